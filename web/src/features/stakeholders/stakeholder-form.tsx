import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { ChoiceField } from '../../components/choice-field.tsx'
import { api, ApiError, type Page } from '../../lib/api-client.ts'
import { ATTITUDE_LABELS, options } from '../../lib/format.ts'
import type { Stakeholder } from '../../lib/types.ts'
import { useUpdateStakeholder, type StakeholderPatch } from './api.ts'

type Values = { name: string; title: string; emails: string; phones: string; influence: string; attitude: string; reportsToId: string | null; goals: string; pains: string; interests: string; hasConsent: boolean }

const toValues = (s: Stakeholder): Values => ({
  name: s.name, title: s.title ?? '', emails: s.emails.join(', '), phones: s.phones.join(', '), influence: String(s.influence), attitude: s.attitude,
  reportsToId: s.reportsToId, goals: s.goals ?? '', pains: s.pains ?? '', interests: s.interests ?? '', hasConsent: s.hasConsent,
})

const list = (text: string) => text.split(/[,;\n]+/).map((x) => x.trim()).filter(Boolean)

function toPatch(v: Values): StakeholderPatch {
  return {
    name: v.name.trim(), title: v.title.trim() || null, emails: list(v.emails), phones: list(v.phones), influence: Number(v.influence), attitude: v.attitude as Stakeholder['attitude'],
    reportsToId: v.reportsToId, goals: v.goals.trim() || null, pains: v.pains.trim() || null, interests: v.interests.trim() || null, hasConsent: v.hasConsent,
  }
}

/** Edit a stakeholder's profile; the server's validation errors appear beside each field. */
export function EditStakeholderModal({ stakeholder, opened, onClose }: { stakeholder: Stakeholder; opened: boolean; onClose: () => void }) {
  const [values, setValues] = useState(() => toValues(stakeholder))
  const set = (v: Partial<Values>) => setValues((old) => ({ ...old, ...v }))
  const update = useUpdateStakeholder(stakeholder.id)
  const colleagues = useQuery({
    queryKey: ['stakeholders', 'of-account', stakeholder.accountId],
    queryFn: () => api<Page<Stakeholder>>('/stakeholders', { query: { accountId: stakeholder.accountId, limit: 500 } }).then((r) => r.items),
    enabled: opened && Boolean(stakeholder.accountId),
  })
  const errors = update.error instanceof ApiError ? update.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    update.mutate(toPatch(values), { onSuccess: onClose })
  }
  return (
    <Modal opened={opened} onClose={onClose} title={`Edit ${stakeholder.name}`} size="lg">
      <form onSubmit={submit} noValidate aria-label="Edit stakeholder">
        <Stack>
          {update.error && Object.keys(errors).length === 0 ? <Alert color="red" variant="light" role="alert">{update.error.message}</Alert> : null}
          {Object.keys(errors).length > 0 ? <Alert color="red" variant="light" role="alert">Some fields need attention.</Alert> : null}
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <TextInput label="Name" required value={values.name} onChange={(e) => set({ name: e.currentTarget.value })} error={errors.name} data-autofocus />
            <TextInput label="Title" value={values.title} onChange={(e) => set({ title: e.currentTarget.value })} error={errors.title} />
            <TextInput label="Emails" description="Comma-separated" value={values.emails} onChange={(e) => set({ emails: e.currentTarget.value })} error={errors.emails} />
            <TextInput label="Phones" description="Comma-separated" value={values.phones} onChange={(e) => set({ phones: e.currentTarget.value })} error={errors.phones} />
          </SimpleGrid>
          <ChoiceField label="Influence (1 = little say, 5 = decides)" value={values.influence} onChange={(v) => set({ influence: v })} data={['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }))} error={errors.influence} />
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <Select label="Attitude towards us" data={options(ATTITUDE_LABELS)} value={values.attitude} onChange={(v) => v && set({ attitude: v })} allowDeselect={false} error={errors.attitude} />
            <Select label="Reports to" data={(colleagues.data ?? []).filter((c) => c.id !== stakeholder.id).map((c) => ({ value: c.id, label: c.name }))}
              value={values.reportsToId} onChange={(v) => set({ reportsToId: v })} clearable searchable error={errors.reportsToId} placeholder="Nobody at this account" />
          </SimpleGrid>
          <Textarea label="Goals" description="What they want to achieve" autosize minRows={2} value={values.goals} onChange={(e) => set({ goals: e.currentTarget.value })} error={errors.goals} />
          <Textarea label="Pains" description="What gets in their way" autosize minRows={2} value={values.pains} onChange={(e) => set({ pains: e.currentTarget.value })} error={errors.pains} />
          <Textarea label="Interests" description="What matters to them as a person" autosize minRows={2} value={values.interests} onChange={(e) => set({ interests: e.currentTarget.value })} error={errors.interests} />
          <Switch label="They agreed that we keep personal notes about them" checked={values.hasConsent} onChange={(e) => set({ hasConsent: e.currentTarget.checked })}
            description={stakeholder.hasConsent && !values.hasConsent ? 'Withdrawing consent erases their personal notes.' : undefined} error={errors.hasConsent} />
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={update.isPending}>Save</Button></Group>
        </Stack>
      </form>
    </Modal>
  )
}
