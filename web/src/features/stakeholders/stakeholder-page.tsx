import { Anchor, Button, Group, Select, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconPencil, IconPlus } from '@tabler/icons-react'
import { useState, type ReactNode } from 'react'
import { Link, useParams } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section } from '../../components/page.tsx'
import { formatDaysAgo } from '../../lib/format.ts'
import type { Stakeholder } from '../../lib/types.ts'
import { hasRole, useCurrentSession } from '../auth/api.ts'
import { WhoKnowsPanel } from '../connections/who-knows-panel.tsx'
import { useExperiences } from '../experiences/api.ts'
import { useQuickLog } from '../experiences/quick-log-context.tsx'
import { Timeline } from '../experiences/timeline.tsx'
import { useRelationships, type RelationshipWithTrust } from '../relationships/api.ts'
import { useRelationshipTrust, useStakeholderTrust } from '../trust/api.ts'
import { ExplanationList } from '../trust/explanation-list.tsx'
import { TrendChart } from '../trust/trend-chart.tsx'
import { TrustScore } from '../trust/trust-badge.tsx'
import { useUserMap } from '../users/api.ts'
import { useStakeholder } from './api.ts'
import { AttitudeBadge, InfluenceMeter } from './attitude.tsx'
import { PersonalDataActions } from './personal-data.tsx'
import { PersonalNotes } from './personal-notes.tsx'
import { AddOwnerButton } from './add-owner.tsx'
import { EditStakeholderModal } from './stakeholder-form.tsx'
import { StakeholderMoments } from '../moments/stakeholder-moments.tsx'
import { PlanPanel } from '../plans/plan-panel.tsx'

function Want({ title, text }: { title: string; text: string | null }) {
  return (
    <div>
      <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts={0.4}>{title}</Text>
      {text ? <Text fz="sm" mt={4} style={{ whiteSpace: 'pre-line' }}>{text}</Text> : <Text fz="sm" mt={4} c="dimmed">Not known yet</Text>}
    </div>
  )
}

function Fact({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  const text = <Text fz="sm" c="dimmed" style={hint ? { textDecoration: 'underline dotted', cursor: 'help' } : undefined}>{label}</Text>
  return (
    <Group justify="space-between" wrap="nowrap" gap="md" py={6} style={{ borderTop: '1px solid var(--tend-border)' }}>
      {hint ? <Tooltip label={hint} multiline w={280} openDelay={200}>{text}</Tooltip> : text}
      <div style={{ textAlign: 'right', minWidth: 0 }}>{children}</div>
    </Group>
  )
}

/** Trust of one relationship: score, trend against its target, and the experiences behind it. */
function RelationshipTrustPanel({ relationships }: { relationships: RelationshipWithTrust[] }) {
  const session = useCurrentSession()
  const users = useUserMap()
  const mine = relationships.find((r) => r.userId === session.user.id)
  const [selected, setSelected] = useState<string | null>(mine?.id ?? relationships[0]?.id ?? null)
  const trust = useRelationshipTrust(selected ?? undefined)
  if (relationships.length === 0) return <EmptyState title="Nobody owns this relationship yet">Add an owner to track trust between them and this stakeholder.</EmptyState>
  return (
    <Stack gap="md">
      {relationships.length > 1 ? (
        <Select label="Relationship with" data={relationships.map((r) => ({ value: r.id, label: users.get(r.userId)?.name ?? 'Someone' }))} value={selected} onChange={setSelected} allowDeselect={false} w={240} size="xs" />
      ) : null}
      {trust.isPending ? <PageLoader /> : trust.isError ? <ErrorNotice error={trust.error} /> : !trust.data ? (
        <EmptyState title="No trust score yet">The score appears once the trust engine has scored this relationship.</EmptyState>
      ) : (
        <>
          <Group justify="space-between" align="flex-end">
            <TrustScore trust={trust.data} size="lg" />
            <Text fz="xs" c="dimmed">Target {trust.data.targetStrength} · last meaningful touch {formatDaysAgo(trust.data.daysSinceMeaningful)} · cadence {trust.data.cadenceDays} days</Text>
          </Group>
          <TrendChart points={trust.data.trend} target={trust.data.targetStrength} label={`Trust over the last year, now ${Math.round(trust.data.score)}, target ${trust.data.targetStrength}`} />
          <div>
            <Text fz="sm" fw={600} mb="xs">What counts, and how much</Text>
            <ExplanationList contributions={trust.data.contributions} />
          </div>
        </>
      )}
    </Stack>
  )
}

function StakeholderBody({ stakeholder }: { stakeholder: Stakeholder }) {
  const session = useCurrentSession()
  const quickLog = useQuickLog()
  const [editing, { open, close }] = useDisclosure(false)
  const relationships = useRelationships({ stakeholderId: stakeholder.id })
  const stakeholderTrust = useStakeholderTrust(stakeholder.id)
  const timeline = useExperiences({ stakeholderId: stakeholder.id }, 20)
  const users = useUserMap()
  const rels = relationships.data ?? []
  const experiences = timeline.data?.pages.flatMap((p) => p.items) ?? []
  const reportsTo = useStakeholder(stakeholder.reportsToId ?? '')

  return (
    <Page
      title={stakeholder.name}
      subtitle={
        <Group gap="xs" mt={4}>
          <Text fz="sm" c="dimmed">{stakeholder.title ?? 'No title'}</Text>
          {stakeholder.accountId ? <><Text fz="sm" c="dimmed">at</Text><Anchor component={Link} to={`/accounts/${stakeholder.accountId}`} fz="sm">{stakeholder.accountName}</Anchor></> : null}
        </Group>
      }
      actions={<>
        <Button variant="default" leftSection={<IconPencil size={16} />} onClick={open}>Edit</Button>
        <Button leftSection={<IconPlus size={16} />} onClick={() => quickLog.open({ stakeholders: [{ id: stakeholder.id, name: stakeholder.name, accountName: stakeholder.accountName }] })}>Log experience</Button>
      </>}
    >
      <EditStakeholderModal key={stakeholder.updatedAt} stakeholder={stakeholder} opened={editing} onClose={close} />
      <div className="tend-detail">
        <div className="tend-detail-main">
          <Section id="wants" title="What they want" className="tend-order-1">
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg">
              <Want title="Goals" text={stakeholder.goals} />
              <Want title="Pains" text={stakeholder.pains} />
              <Want title="Interests" text={stakeholder.interests} />
            </SimpleGrid>
          </Section>
          <Section id="trust" title="Trust" description="Explained by the experiences behind it" className="tend-order-3">
            {relationships.isPending ? <PageLoader /> : <RelationshipTrustPanel relationships={rels} />}
          </Section>
          <Section id="plan" title="Relationship plan" description="What they want to achieve, and what we will give" className="tend-order-3">
            <PlanPanel subject={{ stakeholderId: stakeholder.id }} subjectName={stakeholder.name} />
          </Section>
          <Section id="timeline" title="Timeline" className="tend-order-6">
            {timeline.isPending ? <PageLoader /> : experiences.length === 0 ? <EmptyState title="No experiences yet">Log the first one with the button above or the L key.</EmptyState> : (
              <Timeline experiences={experiences} userNameOf={(id) => users.get(id)?.name} hasMore={timeline.hasNextPage} onMore={() => void timeline.fetchNextPage()} isLoadingMore={timeline.isFetchingNextPage} />
            )}
          </Section>
        </div>
        <div className="tend-detail-side">
          <Section id="profile" title="Profile" className="tend-order-2">
            <Fact label="Overall trust" hint="Their trust in us as a firm: every experience with any of our people, held to the shortest cadence among our relationships. So it can be lower than each relationship's score: a bad experience with one of us counts for all, and the most frequent contact we owe sets the clock."><TrustScore trust={stakeholderTrust.data ?? null} /></Fact>
            <Fact label="Attitude"><AttitudeBadge attitude={stakeholder.attitude} /></Fact>
            <Fact label="Influence"><Group gap={8} justify="flex-end"><Text fz="sm">{stakeholder.influence}/5</Text><InfluenceMeter value={stakeholder.influence} /></Group></Fact>
            <Fact label="Reports to">{stakeholder.reportsToId && reportsTo.data ? <Anchor component={Link} to={`/stakeholders/${reportsTo.data.id}`} fz="sm">{reportsTo.data.name}</Anchor> : <Text fz="sm" c="dimmed">—</Text>}</Fact>
            <Fact label="Email">{stakeholder.emails.length ? stakeholder.emails.map((e) => <Anchor key={e} href={`mailto:${e}`} fz="sm" display="block" className="tend-nowrap">{e}</Anchor>) : <Text fz="sm" c="dimmed">—</Text>}</Fact>
            <Fact label="Phone">{stakeholder.phones.length ? stakeholder.phones.map((p) => <Anchor key={p} href={`tel:${p}`} fz="sm" display="block">{p}</Anchor>) : <Text fz="sm" c="dimmed">—</Text>}</Fact>
          </Section>
          <Section id="relationships" title="Relationships" className="tend-order-4" actions={<AddOwnerButton stakeholderId={stakeholder.id} existing={rels.map((r) => r.userId)} />}>
            {rels.length === 0 ? <Text fz="sm" c="dimmed">Nobody owns this relationship yet.</Text> : (
              <Stack gap={0}>
                {rels.map((r) => (
                  <Group key={r.id} justify="space-between" py={8} wrap="nowrap" style={{ borderTop: '1px solid var(--tend-border)' }}>
                    <div>
                      <Text fz="sm" fw={500}>{users.get(r.userId)?.name ?? '…'}</Text>
                      <Text fz="xs" c="dimmed">importance {r.importance}/5 · every {r.cadenceDays} days</Text>
                    </div>
                    <TrustScore trust={r.trust} />
                  </Group>
                ))}
              </Stack>
            )}
          </Section>
          <Section id="who-knows" title="Who knows them" description="Our people by strength: who should make the call" className="tend-order-5">
            <WhoKnowsPanel stakeholderId={stakeholder.id} />
          </Section>
          <Section id="moments" title="Family and moments" description="Dates that matter in their life; reminders go to the relationship owners" className="tend-order-5">
            <StakeholderMoments stakeholder={stakeholder} />
          </Section>
          <Section id="personal" title="Personal notes" description="Seen by the owners, their managers and admins" className="tend-order-5">
            <Stack gap="md">
              <PersonalNotes stakeholder={stakeholder} />
              {hasRole(session, 'admin') ? <PersonalDataActions stakeholder={stakeholder} /> : null}
            </Stack>
          </Section>
        </div>
      </div>
    </Page>
  )
}

export function StakeholderPage() {
  const { stakeholderId = '' } = useParams()
  const stakeholder = useStakeholder(stakeholderId)
  if (stakeholder.isPending) return <PageLoader />
  if (stakeholder.isError) return <Page title="Stakeholder"><ErrorNotice error={stakeholder.error} /></Page>
  return <StakeholderBody stakeholder={stakeholder.data} />
}
