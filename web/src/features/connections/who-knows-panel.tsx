import { Badge, Group, Stack, Text } from '@mantine/core'
import { ErrorNotice, PageLoader } from '../../components/page.tsx'
import { relativeTime } from '../../lib/format.ts'
import { useConnections } from './api.ts'

const STATE_COLOR = { warming: 'teal', steady: 'blue', cooling: 'orange', cold: 'gray' } as const

/** Who of our people should make the call or the introduction: strength, last contact, experiences. */
export function WhoKnowsPanel({ stakeholderId }: { stakeholderId: string }) {
  const connections = useConnections(stakeholderId)
  if (connections.isPending) return <PageLoader />
  if (connections.isError) return <ErrorNotice error={connections.error} />
  const people = connections.data.people
  if (people.length === 0) return <Text fz="sm" c="dimmed">Nobody of ours has met them yet.</Text>
  return (
    <Stack gap={0} aria-label="Our people who know them, best first">
      {people.map((p) => (
        <Group key={p.userId} justify="space-between" py={8} wrap="nowrap" style={{ borderTop: '1px solid var(--tend-border)' }}>
          <div>
            <Text fz="sm" fw={500}>{p.name}</Text>
            <Text fz="xs" c="dimmed">
              {p.experienceCount} {p.experienceCount === 1 ? 'experience' : 'experiences'}
              {p.lastContactAt ? ` · last ${relativeTime(p.lastContactAt)}` : ''}
              {p.relationshipId ? '' : ' · no relationship'}
            </Text>
          </div>
          <Badge variant="light" color={STATE_COLOR[p.state]} style={{ flexShrink: 0, overflow: 'visible' }} miw={44} title={`Strength ${Math.round(p.strength)} of 100, ${p.state}`}>{Math.round(p.strength)}</Badge>
        </Group>
      ))}
    </Stack>
  )
}
