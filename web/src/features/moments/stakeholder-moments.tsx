import { ActionIcon, Alert, Badge, Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core'
import { IconLock, IconTrash } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { ErrorNotice, PageLoader } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate, label, options } from '../../lib/format.ts'
import type { Stakeholder } from '../../lib/types.ts'
import { MOMENT_KIND_LABELS, RELATION_LABELS, useClosePeople, useCreateClosePerson, useCreateMoment, useDeleteMoment, useMoments, type ClosePerson } from './api.ts'

const PROFESSIONAL = ['new_job', 'promotion', 'company_anniversary']

function AddPersonForm({ stakeholderId }: { stakeholderId: string }) {
  const create = useCreateClosePerson(stakeholderId)
  const [name, setName] = useState('')
  const [relation, setRelation] = useState<string | null>('spouse')
  const [notes, setNotes] = useState('')
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate({ name: name.trim(), relation: relation ?? 'other', notes: notes.trim() || null }, { onSuccess: () => { setName(''); setNotes('') } })
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Add a close person">
      <Group align="flex-start" gap="xs" wrap="wrap">
        <TextInput size="xs" label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} style={{ flex: '1 1 120px' }} />
        <Select size="xs" label="Relation" data={options(RELATION_LABELS)} value={relation} onChange={setRelation} allowDeselect={false} w={110} error={errors.relation} />
        <TextInput size="xs" label="Note" placeholder="optional" value={notes} onChange={(e) => setNotes(e.currentTarget.value)} style={{ flex: '1 1 120px' }} />
        <Button size="xs" type="submit" mt={21} loading={create.isPending}>Add</Button>
      </Group>
    </form>
  )
}

function AddMomentForm({ stakeholderId, people, hasConsent }: { stakeholderId: string; people: ClosePerson[]; hasConsent: boolean }) {
  const create = useCreateMoment(stakeholderId)
  const [kind, setKind] = useState<string | null>(hasConsent ? 'birthday' : 'promotion')
  const [onDate, setOnDate] = useState('')
  const [recurrence, setRecurrence] = useState<string | null>('yearly')
  const [leadDays, setLeadDays] = useState<number | string>(7)
  const [personId, setPersonId] = useState<string | null>(null)
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  const kinds = options(MOMENT_KIND_LABELS).filter((o) => hasConsent || PROFESSIONAL.includes(o.value))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate({ kind: kind ?? 'custom', onDate, recurrence: recurrence ?? 'once', leadDays: Number(leadDays), closePersonId: personId }, { onSuccess: () => { setOnDate(''); setPersonId(null) } })
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Add a moment">
      <Group align="flex-start" gap="xs" wrap="wrap">
        <Select size="xs" label="Moment" data={kinds} value={kind} onChange={setKind} allowDeselect={false} w={150} error={errors.kind} />
        <TextInput size="xs" type="date" label="Date" value={onDate} onChange={(e) => setOnDate(e.currentTarget.value)} error={errors.onDate} w={140} />
        <Select size="xs" label="Repeats" data={[{ value: 'yearly', label: 'Every year' }, { value: 'once', label: 'Once' }]} value={recurrence} onChange={setRecurrence} allowDeselect={false} w={110} />
        <NumberInput size="xs" label="Remind days before" min={0} max={60} value={leadDays} onChange={setLeadDays} w={130} error={errors.leadDays} />
        {hasConsent && people.length ? <Select size="xs" label="Whose" placeholder="Theirs" clearable data={people.map((p) => ({ value: p.id, label: `${p.name} (${label(RELATION_LABELS, p.relation).toLowerCase()})` }))} value={personId} onChange={setPersonId} w={170} /> : null}
        <Button size="xs" type="submit" mt={21} loading={create.isPending}>Add moment</Button>
      </Group>
      {create.error && Object.keys(errors).length === 0 ? <Text fz="xs" c="red" mt={4} role="alert">{create.error.message}</Text> : null}
    </form>
  )
}

/** Family, close people and the moments of a stakeholder's life; personal ones only with consent. */
export function StakeholderMoments({ stakeholder }: { stakeholder: Stakeholder }) {
  const moments = useMoments(stakeholder.id)
  const people = useClosePeople(stakeholder.id)
  const remove = useDeleteMoment()
  if (moments.isPending || people.isPending) return <PageLoader />
  if (moments.isError) return <ErrorNotice error={moments.error} />
  const persons = people.data ?? []
  const personOf = (id: string | null) => persons.find((p) => p.id === id)
  return (
    <Stack gap="md">
      {!stakeholder.hasConsent ? (
        <Alert variant="light" color="gray" icon={<IconLock size={18} />} title="Personal moments need consent">
          <Text fz="sm">Birthdays, family and other personal dates are kept only when {stakeholder.name} has agreed. Professional moments (new job, promotion, company anniversary) can be added now.</Text>
        </Alert>
      ) : (
        <div>
          <Text fz="sm" fw={600} mb={4}>Family and close people</Text>
          {persons.length === 0 ? <Text fz="sm" c="dimmed">Nobody noted yet.</Text> : (
            <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
              {persons.map((p) => (
                <Text component="li" key={p.id} fz="sm"><b>{p.name}</b> · {label(RELATION_LABELS, p.relation).toLowerCase()}{p.notes ? <Text span c="dimmed" fz="sm"> · {p.notes}</Text> : null}</Text>
              ))}
            </Stack>
          )}
          <div style={{ marginTop: 8 }}><AddPersonForm stakeholderId={stakeholder.id} /></div>
        </div>
      )}
      <div>
        <Text fz="sm" fw={600} mb={4}>Moments</Text>
        {moments.data.length === 0 ? <Text fz="sm" c="dimmed">No dates yet.</Text> : (
          <Stack gap={0} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
            {moments.data.map((m) => {
              const person = personOf(m.closePersonId)
              return (
                <Group component="li" key={m.id} justify="space-between" py={6} wrap="nowrap" style={{ borderTop: '1px solid var(--tend-border)' }}>
                  <div style={{ minWidth: 0 }}>
                    <Text fz="sm" fw={500}>{m.title ?? label(MOMENT_KIND_LABELS, m.kind)}{person ? ` of ${person.name}` : ''}</Text>
                    <Text fz="xs" c="dimmed">{formatDate(m.onDate)} · {m.recurrence === 'yearly' ? 'every year' : 'once'} · remind {m.leadDays} days before</Text>
                  </div>
                  <Group gap={4} wrap="nowrap">
                    {m.recurrence === 'yearly' && m.onDate.endsWith('-02-29') ? <Badge size="xs" variant="light" color="gray" tt="none" title="In non-leap years the moment falls on 28 February">28 Feb in other years</Badge> : null}
                    <ActionIcon variant="subtle" color="gray" aria-label={`Delete ${label(MOMENT_KIND_LABELS, m.kind)}`} onClick={() => remove.mutate(m.id)}><IconTrash size={14} /></ActionIcon>
                  </Group>
                </Group>
              )
            })}
          </Stack>
        )}
        <div style={{ marginTop: 8 }}><AddMomentForm stakeholderId={stakeholder.id} people={persons} hasConsent={stakeholder.hasConsent} /></div>
      </div>
    </Stack>
  )
}
