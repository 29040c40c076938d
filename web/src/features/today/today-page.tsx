import { Anchor, Badge, Button, Group, SimpleGrid, Stack, Text } from '@mantine/core'
import { IconCircleCheck, IconPlus, IconTemperature } from '@tabler/icons-react'
import { Link } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section, Stat } from '../../components/page.tsx'
import { formatDaysAgo } from '../../lib/format.ts'
import type { AttentionItem } from '../../lib/types.ts'
import { useCurrentSession } from '../auth/api.ts'
import { useExperiences } from '../experiences/api.ts'
import { useQuickLog } from '../experiences/quick-log-context.tsx'
import { Timeline } from '../experiences/timeline.tsx'
import { useRelationships } from '../relationships/api.ts'
import { useAttention } from '../trust/api.ts'
import { TrustScore } from '../trust/trust-badge.tsx'
import { UpcomingMoments } from '../moments/upcoming-moments.tsx'
import { OverdueActivities } from '../plans/overdue-activities.tsx'
import { FollowUpsPanel } from '../surveys/follow-ups-panel.tsx'

function greeting() {
  const h = new Date().getHours()
  return h < 12 ? 'Good morning' : h < 18 ? 'Good afternoon' : 'Good evening'
}

function AttentionRow({ item }: { item: AttentionItem }) {
  const quickLog = useQuickLog()
  return (
    <Group component="li" justify="space-between" wrap="wrap" gap="sm" py="sm" style={{ borderTop: '1px solid var(--tend-border)' }}>
      <div style={{ minWidth: 0, flex: '1 1 260px' }}>
        <Group gap={8} wrap="nowrap">
          <Anchor component={Link} to={`/stakeholders/${item.stakeholderId}`} fw={600} fz="sm" c="dark">{item.stakeholderName}</Anchor>
          {item.accountName && item.accountId ? <Anchor component={Link} to={`/accounts/${item.accountId}`} fz="sm" c="dimmed">{item.accountName}</Anchor> : null}
        </Group>
        <Text fz="sm" mt={4}>{item.suggestion}</Text>
        <Text fz="xs" c="dimmed" mt={2}>Last meaningful touch {formatDaysAgo(item.daysSinceMeaningful)} · cadence every {item.cadenceDays} days · importance {item.importance}/5</Text>
      </div>
      <Group gap="md" wrap="nowrap">
        <TrustScore trust={item} />
        <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => quickLog.open({ stakeholders: [{ id: item.stakeholderId, name: item.stakeholderName, accountName: item.accountName }] })}
          aria-label={`Log an experience with ${item.stakeholderName}`}>Log</Button>
      </Group>
    </Group>
  )
}

function NeedsYou() {
  const attention = useAttention('me')
  if (attention.isPending) return <PageLoader />
  if (attention.isError) return <ErrorNotice error={attention.error} />
  if (attention.data === null) return <EmptyState title="Trust scores are not available yet" icon={<IconTemperature size={28} />}>When the trust engine has scored your relationships, the ones going cold appear here with a suggested next step.</EmptyState>
  const items = attention.data.items
  if (items.length === 0) return <EmptyState title="Nothing is going cold" icon={<IconCircleCheck size={28} />}>Every one of your key relationships had a meaningful experience within its cadence.</EmptyState>
  return <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }}>{items.map((i) => <AttentionRow key={i.relationshipId} item={i} />)}</Stack>
}

function MyRelationships({ userId }: { userId: string }) {
  const relationships = useRelationships({ userId })
  const list = [...(relationships.data ?? [])].sort((a, b) => b.importance - a.importance).slice(0, 12)
  if (relationships.isPending) return <PageLoader />
  if (relationships.isError) return <ErrorNotice error={relationships.error} />
  if (list.length === 0) return <EmptyState title="You own no relationships yet">Open a stakeholder and add yourself as an owner to track the relationship here.</EmptyState>
  return (
    <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }}>
      {list.map((r) => {
        return (
          <Group component="li" key={r.id} justify="space-between" py={10} wrap="nowrap" style={{ borderTop: '1px solid var(--tend-border)' }}>
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/stakeholders/${r.stakeholderId}`} fz="sm" fw={500} c="dark" className="tend-nowrap">{r.stakeholderName}</Anchor>
              <Text fz="xs" c="dimmed" className="tend-nowrap">{r.accountName ?? ' '}</Text>
            </div>
            <TrustScore trust={r.trust} />
          </Group>
        )
      })}
    </Stack>
  )
}

export function TodayPage() {
  const session = useCurrentSession()
  const me = session.user
  const relationships = useRelationships({ userId: me.id })
  const attention = useAttention('me')
  const recent = useExperiences({ userId: me.id }, 8)
  const quickLog = useQuickLog()
  const rels = relationships.data ?? []
  const scored = rels.filter((r) => r.trust)
  const cold = scored.filter((r) => r.trust?.isCold).length
  const avg = scored.length ? Math.round(scored.reduce((s, r) => s + (r.trust?.score ?? 0), 0) / scored.length) : null
  const today = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date())

  return (
    <Page title={`${greeting()}, ${me.name.split(' ')[0]}`} subtitle={today}
      actions={<Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => quickLog.open()}>Log experience</Button>}>
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 2, sm: 4 }} className="tend-card" p="lg" spacing="lg">
          <Stat label="Your relationships" value={relationships.isPending ? '…' : rels.length} />
          <Stat label="Average trust" value={avg ?? '—'} hint={scored.length ? `over ${scored.length} scored` : 'not scored yet'} />
          <Stat label="Going cold" value={scored.length ? cold : '—'} hint={scored.length ? `${Math.round(((scored.length - cold) / scored.length) * 100)}% covered` : undefined} />
          <Stat label="Need attention" value={attention.data ? attention.data.items.length : '—'} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <div style={{ gridColumn: 'span 2' }} className="tend-span">
            <Section id="needs-you" title="Needs you now" description="Relationships going cold or cooling, most important first" actions={attention.data?.items.length ? <Badge color="red" variant="light">{attention.data.items.length}</Badge> : null}>
              <NeedsYou />
            </Section>
          </div>
          <Section id="mine" title="Your key relationships" description="By importance">
            <MyRelationships userId={me.id} />
          </Section>
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Section id="moments" title="Moments coming up" description="In the lives of the people you know, next 30 days">
            <UpcomingMoments />
          </Section>
          <Section id="overdue-gives" title="Overdue gives" description="Planned introductions, insights and invitations past their date">
            <OverdueActivities scope="me" />
          </Section>
        </SimpleGrid>
        <FollowUpsPanel scope="mine" title="Close the loop" hideWhenEmpty />
        <Section id="recent" title="Recently logged" description="Experiences you took part in">
          {recent.isPending ? <PageLoader /> : recent.data?.pages[0]?.items.length ? (
            <Timeline experiences={recent.data.pages.flatMap((p) => p.items)} />
          ) : <EmptyState title="No experiences yet">Press L anywhere to log one in a few seconds.</EmptyState>}
        </Section>
      </Stack>
    </Page>
  )
}
