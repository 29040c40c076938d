import { Button, Group, Text } from '@mantine/core'
import { modals } from '@mantine/modals'
import { notifications } from '@mantine/notifications'
import { IconDownload, IconEraser } from '@tabler/icons-react'
import { useMutation } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'
import type { Stakeholder } from '../../lib/types.ts'

type Erased = { moments: number; closePeople: number; personalNotes: boolean; interests: boolean }

/** Save a JSON document as a file the browser downloads. */
function download(name: string, doc: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }))
  const a = Object.assign(document.createElement('a'), { href: url, download: name })
  document.body.append(a)
  a.click()
  a.remove()
  URL.revokeObjectURL(url)
}

const fileName = (name: string) => `personal-data-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'stakeholder'}.json`

/** A stakeholder's right of access and to erasure (admins; both are audited). */
export function PersonalDataActions({ stakeholder }: { stakeholder: Stakeholder }) {
  const exportData = useMutation({
    mutationFn: () => api<unknown>(`/stakeholders/${stakeholder.id}/personal-data`),
    onSuccess: (doc) => download(fileName(stakeholder.name), doc),
  })
  const erase = useMutation({
    mutationFn: () => api<Erased>(`/stakeholders/${stakeholder.id}/personal-data/erase`, { method: 'POST' }),
    onSuccess: async (r) => {
      notifications.show({ color: 'brand', title: 'Personal data erased', message: `${r.moments} moments and ${r.closePeople} close people removed; notes, interests and consent cleared.` })
      await queryClient.invalidateQueries({ queryKey: ['stakeholders', stakeholder.id] })
      await queryClient.invalidateQueries({ queryKey: ['moments'] })
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Could not erase', message: err.message }),
  })
  const confirmErase = () => modals.openConfirmModal({
    title: `Erase ${stakeholder.name}'s personal data?`,
    children: <Text fz="sm">Their moments, family and close people, personal notes and interests are deleted and their consent is reset. Their business record and the experiences with them stay. This cannot be undone.</Text>,
    labels: { confirm: 'Erase personal data', cancel: 'Cancel' },
    confirmProps: { color: 'red' },
    onConfirm: () => erase.mutate(),
  })
  return (
    <div>
      <Text fz="xs" c="dimmed" mb={6}>On the stakeholder's request (admins; recorded in the audit log)</Text>
      <Group gap="xs">
        <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} loading={exportData.isPending} onClick={() => exportData.mutate()}>Export personal data</Button>
        <Button size="xs" variant="subtle" color="red" leftSection={<IconEraser size={14} />} loading={erase.isPending} onClick={confirmErase}>Erase personal data</Button>
      </Group>
      {exportData.isError ? <Text fz="xs" c="red" mt={4}>{exportData.error.message}</Text> : null}
    </div>
  )
}
