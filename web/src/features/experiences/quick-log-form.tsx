import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type FormEvent, type KeyboardEvent } from 'react'
import { ChoiceField } from '../../components/choice-field.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { DEPTH_LABELS, DIRECTION_LABELS, INITIATOR_LABELS, KIND_LABELS, LOGGABLE_KIND_LABELS, options, toLocalInput, VALENCE_LABELS } from '../../lib/format.ts'
import type { Depth, Direction, ExperienceKind, Initiator } from '../../lib/types.ts'
import { useLogExperience } from './api.ts'
import type { StakeholderChoice } from './quick-log-context.tsx'
import { StakeholderPicker } from './stakeholder-picker.tsx'

const VALENCE_OPTIONS = ['-2', '-1', '0', '1', '2'].map((v) => ({ value: v, label: VALENCE_LABELS[v] ?? v }))

/** The quick form: who, what, how it went, who gave; Enter or Ctrl-Enter saves. */
export function QuickLogForm({ preset, onDone }: { preset: StakeholderChoice[]; onDone: () => void }) {
  const [stakeholders, setStakeholders] = useState<StakeholderChoice[]>(preset)
  const [kind, setKind] = useState<ExperienceKind>('meeting')
  const [valence, setValence] = useState('0')
  const [direction, setDirection] = useState<Direction>('mutual')
  const [initiator, setInitiator] = useState<Initiator>('us')
  const [depth, setDepth] = useState<Depth>('routine')
  const [when, setWhen] = useState(() => toLocalInput(new Date()))
  const [title, setTitle] = useState('')
  const [notes, setNotes] = useState('')
  const [localError, setLocalError] = useState<string | undefined>()
  const log = useLogExperience()
  const fieldErrors = log.error instanceof ApiError ? log.error.fieldErrors : {}

  const submit = (e?: FormEvent) => {
    e?.preventDefault()
    if (log.isPending) return
    if (stakeholders.length === 0) {
      setLocalError('Choose at least one stakeholder')
      return
    }
    setLocalError(undefined)
    const occurred = new Date(when)
    log.mutate(
      {
        occurredAt: (Number.isNaN(occurred.getTime()) ? new Date() : occurred).toISOString(),
        kind, valence: Number(valence), direction, initiator, depth,
        title: title.trim() || null, notes: notes.trim() || null,
        stakeholderIds: stakeholders.map((s) => s.id),
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'brand', title: 'Experience logged', message: `${KIND_LABELS[kind]} with ${stakeholders.map((s) => s.name).join(', ')}` })
          onDone()
        },
      },
    )
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit()
  }

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label="Log an experience">
      <Stack gap="md">
        {log.error && Object.keys(fieldErrors).length === 0 ? <Alert color="red" variant="light" role="alert">{log.error.message}</Alert> : null}
        <StakeholderPicker value={stakeholders} onChange={setStakeholders} error={localError ?? fieldErrors.stakeholderIds} autoFocus={preset.length === 0} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          <Select label="What" data={options(LOGGABLE_KIND_LABELS)} value={kind} onChange={(v) => v && setKind(v as ExperienceKind)} searchable allowDeselect={false} error={fieldErrors.kind} comboboxProps={{ withinPortal: true }} />
          <TextInput label="When" type="datetime-local" value={when} onChange={(e) => setWhen(e.currentTarget.value)} error={fieldErrors.occurredAt} />
        </SimpleGrid>
        <ChoiceField label="How did it go?" value={valence} onChange={setValence} data={VALENCE_OPTIONS} error={fieldErrors.valence}
          color={Number(valence) < 0 ? 'red' : Number(valence) > 0 ? 'brand' : 'gray'} />
        <ChoiceField label="Who gave value?" value={direction} onChange={(v) => setDirection(v as Direction)} data={options(DIRECTION_LABELS)} error={fieldErrors.direction} size="xs" />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          <ChoiceField label="Who initiated?" value={initiator} onChange={(v) => setInitiator(v as Initiator)} data={[{ value: 'us', label: 'We did' }, { value: 'them', label: 'They did' }]} error={fieldErrors.initiator} size="xs" />
          <ChoiceField label="Depth" value={depth} onChange={(v) => setDepth(v as Depth)} data={options(DEPTH_LABELS)} error={fieldErrors.depth} size="xs" />
        </SimpleGrid>
        <TextInput label="Title" placeholder="e.g. Quarterly review over lunch" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fieldErrors.title} />
        <Textarea label="Notes" placeholder="What happened, what matters to them, what we promised" autosize minRows={2} maxRows={8} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} error={fieldErrors.notes} />
        <Group justify="space-between" gap="xs">
          <Text fz="xs" c="dimmed" visibleFrom="xs">Ctrl+Enter to save · {INITIATOR_LABELS[initiator]}</Text>
          <Group gap="xs">
            <Button variant="default" onClick={onDone}>Cancel</Button>
            <Button type="submit" loading={log.isPending}>Save experience</Button>
          </Group>
        </Group>
      </Stack>
    </form>
  )
}
