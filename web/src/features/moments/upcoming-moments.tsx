import { Anchor, Badge, Button, Group, Menu, Stack, Text } from '@mantine/core'
import { IconCalendarHeart, IconCheck, IconGift } from '@tabler/icons-react'
import { Link } from 'react-router'
import { EmptyState, ErrorNotice, PageLoader } from '../../components/page.tsx'
import { formatDate } from '../../lib/format.ts'
import { useActOnMoment, useUpcomingMoments, type Occurrence } from './api.ts'

const when = (days: number) => (days === 0 ? 'Today' : days === 1 ? 'Tomorrow' : `In ${days} days`)

function OccurrenceRow({ o }: { o: Occurrence }) {
  const act = useActOnMoment()
  return (
    <Group component="li" justify="space-between" wrap="wrap" gap="sm" py="sm" style={{ borderTop: '1px solid var(--tend-border)' }}>
      <div style={{ minWidth: 0, flex: '1 1 260px' }}>
        <Group gap={8} wrap="nowrap">
          <Badge variant="light" color={o.daysUntil <= 3 ? 'orange' : 'gray'} tt="none" style={{ flexShrink: 0 }}>{when(o.daysUntil)}</Badge>
          <Anchor component={Link} to={`/stakeholders/${o.stakeholderId}`} fw={600} fz="sm" c="dark">{o.title}</Anchor>
        </Group>
        <Text fz="xs" c="dimmed" mt={4}>{formatDate(o.occursOn)}{o.accountName ? ` · ${o.stakeholderName}, ${o.accountName}` : ''}</Text>
        {o.gestures[0] ? <Text fz="sm" mt={4}><IconGift size={14} style={{ verticalAlign: -2 }} aria-hidden /> {o.gestures[0]}</Text> : null}
      </div>
      {o.actedUpon ? <Badge color="brand" variant="light" leftSection={<IconCheck size={12} />} tt="none">Acted upon</Badge> : (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="xs" variant="light" loading={act.isPending} aria-label={`Mark ${o.title} as acted upon`}>Acted upon</Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>What did you do?</Menu.Label>
            {o.gestures.slice(0, 4).map((g) => <Menu.Item key={g} onClick={() => act.mutate({ momentId: o.momentId, occursOn: o.occursOn, gesture: g })}>{g}</Menu.Item>)}
            <Menu.Item onClick={() => act.mutate({ momentId: o.momentId, occursOn: o.occursOn })}>Something else</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
    </Group>
  )
}

/** Today: the moments of the people I have relationships with, in the next 30 days. */
export function UpcomingMoments() {
  const upcoming = useUpcomingMoments(30)
  if (upcoming.isPending) return <PageLoader />
  if (upcoming.isError) return <ErrorNotice error={upcoming.error} />
  if (upcoming.data.length === 0) return <EmptyState title="No moments in the next 30 days" icon={<IconCalendarHeart size={28} />}>Add birthdays, weddings or promotions on a stakeholder's page to be reminded in time.</EmptyState>
  return <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }}>{upcoming.data.slice(0, 8).map((o) => <OccurrenceRow key={`${o.momentId}:${o.occursOn}`} o={o} />)}</Stack>
}
