import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconPencil, IconPlus } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router'
import { ApiError } from '../../lib/api-client.ts'
import { options, STATUS_LABELS, TIER_LABELS } from '../../lib/format.ts'
import type { Account } from '../../lib/types.ts'
import { useUsers } from '../users/api.ts'
import { useCreateAccount, useUpdateAccount } from './api.ts'

type Values = { name: string; tier: string; status: string; ownerId: string | null; industry: string; domains: string; notes: string }

function toValues(a?: Account): Values {
  return { name: a?.name ?? '', tier: a?.tier ?? 'standard', status: a?.status ?? 'active', ownerId: a?.ownerId ?? null, industry: a?.industry ?? '', domains: a?.domains.join(', ') ?? '', notes: a?.notes ?? '' }
}

function AccountFields({ values, set, errors }: { values: Values; set: (v: Partial<Values>) => void; errors: Record<string, string> }) {
  const users = useUsers()
  return (
    <Stack>
      <TextInput label="Name" required value={values.name} onChange={(e) => set({ name: e.currentTarget.value })} error={errors.name} data-autofocus />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <Select label="Tier" data={options(TIER_LABELS)} value={values.tier} onChange={(v) => v && set({ tier: v })} allowDeselect={false} error={errors.tier} />
        <Select label="Status" data={options(STATUS_LABELS)} value={values.status} onChange={(v) => v && set({ status: v })} allowDeselect={false} error={errors.status} />
        <Select label="Owner" data={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} value={values.ownerId} onChange={(v) => set({ ownerId: v })} clearable searchable error={errors.ownerId} />
        <TextInput label="Industry" value={values.industry} onChange={(e) => set({ industry: e.currentTarget.value })} error={errors.industry} />
      </SimpleGrid>
      <TextInput label="Domains" description="Comma-separated, e.g. acme.com" value={values.domains} onChange={(e) => set({ domains: e.currentTarget.value })} error={errors.domains} />
      <Textarea label="Notes" autosize minRows={2} value={values.notes} onChange={(e) => set({ notes: e.currentTarget.value })} error={errors.notes} />
    </Stack>
  )
}

function toBody(v: Values) {
  return {
    name: v.name.trim(), tier: v.tier as Account['tier'], status: v.status as Account['status'], ownerId: v.ownerId,
    industry: v.industry.trim() || null, notes: v.notes.trim() || null,
    domains: v.domains.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean),
  }
}

export function NewAccountButton() {
  const [opened, { open, close }] = useDisclosure(false)
  const [values, setValues] = useState(toValues())
  const create = useCreateAccount()
  const navigate = useNavigate()
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate(toBody(values), { onSuccess: (a) => { close(); setValues(toValues()); void navigate(`/accounts/${a.id}`) } })
  }
  return (
    <>
      <Button leftSection={<IconPlus size={16} />} variant="default" onClick={open}>New account</Button>
      <Modal opened={opened} onClose={close} title="New account" size="lg">
        <form onSubmit={submit} noValidate>
          {create.error && Object.keys(errors).length === 0 ? <Alert color="red" variant="light" mb="md" role="alert">{create.error.message}</Alert> : null}
          <AccountFields values={values} set={(v) => setValues((old) => ({ ...old, ...v }))} errors={errors} />
          <Group justify="flex-end" mt="lg"><Button variant="default" onClick={close}>Cancel</Button><Button type="submit" loading={create.isPending}>Create account</Button></Group>
        </form>
      </Modal>
    </>
  )
}

export function EditAccountButton({ account }: { account: Account }) {
  const [opened, { open, close }] = useDisclosure(false)
  const [values, setValues] = useState(toValues(account))
  const update = useUpdateAccount(account.id)
  const errors = update.error instanceof ApiError ? update.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    update.mutate(toBody(values), { onSuccess: () => { close(); notifications.show({ message: 'Account saved', color: 'brand' }) } })
  }
  return (
    <>
      <Button leftSection={<IconPencil size={16} />} variant="default" onClick={() => { setValues(toValues(account)); update.reset(); open() }}>Edit</Button>
      <Modal opened={opened} onClose={close} title={`Edit ${account.name}`} size="lg">
        <form onSubmit={submit} noValidate>
          {update.error && Object.keys(errors).length === 0 ? <Alert color="red" variant="light" mb="md" role="alert">{update.error.message}</Alert> : null}
          <AccountFields values={values} set={(v) => setValues((old) => ({ ...old, ...v }))} errors={errors} />
          <Group justify="flex-end" mt="lg"><Button variant="default" onClick={close}>Cancel</Button><Button type="submit" loading={update.isPending}>Save</Button></Group>
        </form>
      </Modal>
    </>
  )
}
