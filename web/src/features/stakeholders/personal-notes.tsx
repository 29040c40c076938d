import { Alert, Button, Group, Text, Textarea } from '@mantine/core'
import { IconLock } from '@tabler/icons-react'
import { useState } from 'react'
import type { Stakeholder } from '../../lib/types.ts'
import { ApiError } from '../../lib/api-client.ts'
import { useUpdateStakeholder } from './api.ts'

/** Personal notes exist only with the stakeholder's consent; withdrawing consent erases them. */
export function PersonalNotes({ stakeholder }: { stakeholder: Stakeholder }) {
  const update = useUpdateStakeholder(stakeholder.id)
  const [draft, setDraft] = useState<string | null>(null)
  if (!stakeholder.hasConsent) {
    return (
      <Alert variant="light" color="gray" icon={<IconLock size={18} />} title="No consent recorded">
        <Text fz="sm">Personal notes are kept only when {stakeholder.name} has agreed to it.</Text>
        <Button size="xs" variant="default" mt="sm" loading={update.isPending} onClick={() => update.mutate({ hasConsent: true })}>Record consent</Button>
      </Alert>
    )
  }
  const error = update.error instanceof ApiError ? (update.error.fieldErrors.personalNotes ?? update.error.message) : undefined
  if (draft === null) {
    return (
      <div>
        {stakeholder.personalNotes
          ? <Text fz="sm" style={{ whiteSpace: 'pre-line' }}>{stakeholder.personalNotes}</Text>
          : <Text fz="sm" c="dimmed">Nothing noted yet: family, milestones, what they enjoy.</Text>}
        <Button size="xs" variant="subtle" mt="xs" px={0} onClick={() => setDraft(stakeholder.personalNotes ?? '')}>Edit notes</Button>
      </div>
    )
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); update.mutate({ personalNotes: draft.trim() || null }, { onSuccess: () => setDraft(null) }) }}>
      <Textarea label="Personal notes" autosize minRows={3} value={draft} onChange={(e) => setDraft(e.currentTarget.value)} error={error} data-autofocus autoFocus />
      <Group gap="xs" mt="xs" justify="flex-end">
        <Button size="xs" variant="default" onClick={() => setDraft(null)}>Cancel</Button>
        <Button size="xs" type="submit" loading={update.isPending}>Save notes</Button>
      </Group>
    </form>
  )
}
