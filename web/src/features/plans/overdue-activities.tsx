import { Anchor, Badge, Group, Stack, Text } from '@mantine/core'
import { IconCircleCheck } from '@tabler/icons-react'
import { Link } from 'react-router'
import { EmptyState, ErrorNotice, PageLoader } from '../../components/page.tsx'
import { label } from '../../lib/format.ts'
import { ACTIVITY_KIND_LABELS, useOverdueActivities } from './api.ts'

/** Overdue give-activities: mine on Today, my team's in the manager's view. */
export function OverdueActivities({ scope }: { scope: 'me' | 'team' }) {
  const overdue = useOverdueActivities(scope)
  if (overdue.isPending) return <PageLoader />
  if (overdue.isError) return <ErrorNotice error={overdue.error} />
  if (overdue.data.length === 0) return <EmptyState title="No overdue gives" icon={<IconCircleCheck size={28} />}>Every planned introduction, insight or invitation is on time.</EmptyState>
  return (
    <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }}>
      {overdue.data.slice(0, 10).map((a) => (
        <Group component="li" key={a.id} justify="space-between" py="xs" wrap="nowrap" style={{ borderTop: '1px solid var(--tend-border)' }}>
          <div style={{ minWidth: 0 }}>
            <Text fz="sm" fw={500}>{a.title}</Text>
            <Text fz="xs" c="dimmed">{label(ACTIVITY_KIND_LABELS, a.kind)} for <Anchor component={Link} to={a.stakeholderId ? `/stakeholders/${a.stakeholderId}` : `/accounts/${a.accountId}`} fz="xs">{a.subjectName}</Anchor>{scope === 'team' ? ` · ${a.ownerName}` : ''}</Text>
          </div>
          <Badge color="red" variant="light" tt="none" style={{ flexShrink: 0 }}>{a.daysOverdue} {a.daysOverdue === 1 ? 'day' : 'days'} late</Badge>
        </Group>
      ))}
    </Stack>
  )
}
