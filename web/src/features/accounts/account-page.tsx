import { Anchor, Badge, Button, Group, SegmentedControl, SimpleGrid, Stack, Table, Text } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { Link, useParams } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section, Stat } from '../../components/page.tsx'
import { formatDaysAgo, label, STATUS_LABELS, TIER_LABELS } from '../../lib/format.ts'
import type { Stakeholder } from '../../lib/types.ts'
import { useQuickLog } from '../experiences/quick-log-context.tsx'
import { Timeline } from '../experiences/timeline.tsx'
import { AttitudeText } from '../stakeholders/attitude.tsx'
import { useAccountTrust } from '../trust/api.ts'
import { TrendChart } from '../trust/trend-chart.tsx'
import { TrustScore } from '../trust/trust-badge.tsx'
import { EditAccountButton } from './account-form.tsx'
import { useAccountOverview } from './api.ts'
import { InfluenceGrid, OrgChart } from './stakeholder-map.tsx'
import { PlanPanel } from '../plans/plan-panel.tsx'
import { SelfCheckPanel } from '../plans/self-check-panel.tsx'
import { AccountVoice } from '../surveys/account-voice.tsx'

function AccountTrustCard({ accountId }: { accountId: string }) {
  const trust = useAccountTrust(accountId)
  if (trust.isPending) return <PageLoader />
  if (!trust.data || trust.data.score === null || trust.data.state === null) {
    return <EmptyState title="No trust score yet">The account's trust appears once its stakeholders' relationships have been scored.</EmptyState>
  }
  return (
    <Stack gap="sm">
      <TrustScore trust={{ score: trust.data.score, state: trust.data.state }} size="lg" />
      <TrendChart points={trust.data.trend} label={`Account trust over the last year, now ${Math.round(trust.data.score)}`} height={150} />
    </Stack>
  )
}

/** Who receives an account plan's give: its most influential stakeholders. */
function keyRecipients(stakeholders: Stakeholder[]): string[] {
  const top = Math.max(0, ...stakeholders.map((s) => s.influence))
  return stakeholders.filter((s) => s.influence === top).slice(0, 5).map((s) => s.id)
}

export function AccountPage() {
  const { accountId = '' } = useParams()
  const overview = useAccountOverview(accountId)
  const trust = useAccountTrust(accountId)
  const quickLog = useQuickLog()
  const [mapView, setMapView] = useState<'org' | 'grid'>('org')
  if (overview.isPending) return <PageLoader />
  if (overview.isError) return <Page title="Account"><ErrorNotice error={overview.error} /></Page>
  const { account, stakeholders, relationships, recentExperiences, people } = overview.data
  const byId = new Map<string, Stakeholder>(stakeholders.map((s) => [s.id, s]))
  const personName = (id: string) => people.find((p) => p.id === id)?.name
  const owner = account.ownerId ? personName(account.ownerId) : undefined
  const stakeholderScore = new Map((trust.data?.stakeholders ?? []).map((s) => [s.stakeholderId, s.score]))
  const cold = relationships.filter((r) => r.trust?.isCold).length
  const sortedRelationships = [...relationships].sort((a, b) => b.importance - a.importance || (a.trust?.score ?? 0) - (b.trust?.score ?? 0))

  return (
    <Page
      title={account.name}
      subtitle={
        <Group gap="xs" mt={4}>
          <Badge variant={account.tier === 'strategic' ? 'filled' : 'light'} color={account.tier === 'standard' ? 'gray' : 'brand'} tt="none">{label(TIER_LABELS, account.tier)}</Badge>
          <Badge variant="dot" color={account.status === 'at_risk' ? 'orange' : account.status === 'churned' ? 'red' : 'green'} tt="none">{label(STATUS_LABELS, account.status)}</Badge>
          <Text fz="sm" c="dimmed">Owner: {owner ?? 'nobody'}</Text>
          {account.industry ? <Text fz="sm" c="dimmed">· {account.industry}</Text> : null}
          {account.domains.length ? <Text fz="sm" c="dimmed">· {account.domains.join(', ')}</Text> : null}
        </Group>
      }
      actions={<>
        <EditAccountButton account={account} />
        <Button leftSection={<IconPlus size={16} />} onClick={() => quickLog.open()}>Log experience</Button>
      </>}
    >
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <Section id="account-trust" title="Account trust" description="Stakeholders weighted by influence and importance">
            <AccountTrustCard accountId={account.id} />
          </Section>
          <div className="tend-span" style={{ gridColumn: 'span 2' }}>
            <Section id="facts" title="At a glance">
              <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="lg">
                <Stat label="Stakeholders" value={stakeholders.length} />
                <Stat label="Relationships" value={relationships.length} />
                <Stat label="Going cold" value={cold} hint={relationships.length ? `${Math.round(((relationships.length - cold) / relationships.length) * 100)}% covered` : undefined} />
                <Stat label="Champions" value={stakeholders.filter((s) => s.attitude === 'champion').length} />
              </SimpleGrid>
              {account.notes ? <Text fz="sm" mt="lg" c="gray.8" style={{ whiteSpace: 'pre-line' }}>{account.notes}</Text> : null}
            </Section>
          </div>
        </SimpleGrid>

        <AccountVoice accountId={account.id} />

        <Section id="map" title="Stakeholder map"
          actions={<SegmentedControl size="xs" value={mapView} onChange={(v) => setMapView(v as 'org' | 'grid')} aria-label="Map view"
            data={[{ value: 'org', label: 'Org chart' }, { value: 'grid', label: 'Influence × attitude' }]} />}>
          {stakeholders.length === 0 ? <EmptyState title="No stakeholders at this account yet" /> : mapView === 'org'
            ? <OrgChart stakeholders={stakeholders} trustOf={(id) => stakeholderScore.get(id)} />
            : <InfluenceGrid stakeholders={stakeholders} />}
        </Section>

        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section id="plan" title="Relationship plan" description="What they want, and what we will give">
            <PlanPanel subject={{ accountId: account.id }} subjectName={account.name} recipients={keyRecipients(stakeholders)} />
          </Section>
          <Section id="self-check" title="Self-check" description="Are we in a relationship, or just trading? Compared with the trust score">
            <SelfCheckPanel accountId={account.id} />
          </Section>
        </SimpleGrid>

        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section id="relationships" title="Relationships" description="Who on our side owns each stakeholder">
            {sortedRelationships.length === 0 ? <EmptyState title="Nobody owns a relationship here yet" /> : (
              <Table.ScrollContainer minWidth={480}>
                <Table verticalSpacing="xs" highlightOnHover>
                  <Table.Thead><Table.Tr><Table.Th>Stakeholder</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Last touch</Table.Th><Table.Th>Trust</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>
                    {sortedRelationships.map((r) => {
                      const s = byId.get(r.stakeholderId)
                      return (
                        <Table.Tr key={r.id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/stakeholders/${r.stakeholderId}`} fz="sm" fw={500} c="dark">{s?.name ?? 'Stakeholder'}</Anchor>
                            {s ? <AttitudeText attitude={s.attitude} /> : null}
                          </Table.Td>
                          <Table.Td><Text fz="sm">{personName(r.userId) ?? '—'}</Text><Text fz="xs" c="dimmed">importance {r.importance}/5</Text></Table.Td>
                          <Table.Td><Text fz="sm">{formatDaysAgo(r.trust?.daysSinceMeaningful)}</Text><Text fz="xs" c="dimmed">every {r.cadenceDays} days</Text></Table.Td>
                          <Table.Td><TrustScore trust={r.trust} /></Table.Td>
                        </Table.Tr>
                      )
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Section>
          <Section id="timeline" title="Experiences" description="The latest at this account">
            {recentExperiences.length === 0 ? <EmptyState title="No experiences yet">Press L to log the first one.</EmptyState> : (
              <Timeline experiences={recentExperiences} nameOf={(id) => { const s = byId.get(id); return s ? { name: s.name, href: `/stakeholders/${s.id}` } : undefined }} userNameOf={personName} />
            )}
          </Section>
        </SimpleGrid>
      </Stack>
    </Page>
  )
}
