import { Alert, Button, Group, Progress, SegmentedControl, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import { useState } from 'react'
import { EmptyState, ErrorNotice, Page, PageLoader, Section, Stat } from '../../components/page.tsx'
import { formatDate, TIER_LABELS } from '../../lib/format.ts'
import { hasRole, useCurrentSession } from '../auth/api.ts'
import { TrendChart } from '../trust/trend-chart.tsx'
import { CsvLink } from './csv-link.tsx'
import { csvUrl, formatMoney, pct, useBreakdown, useRebuild, useSeries, type KpiPoint, type Scope } from './api.ts'
import { formatScore } from '../surveys/api.ts'
import { OutcomesSection } from './outcomes-section.tsx'
import { ProgrammesSection } from './programmes-section.tsx'
import { RoiSection } from './roi-section.tsx'

const BANDS = ['0–20', '20–40', '40–60', '60–80', '80–100']
const WEEK_MS = 7 * 86_400_000

/** The latest unbroken run of weeks: a chart line must not bridge weeks that have no snapshot. */
function recentRun(points: KpiPoint[]): KpiPoint[] {
  let start = points.length - 1
  while (start > 0 && Date.parse(points[start]!.weekStart) - Date.parse(points[start - 1]!.weekStart) === WEEK_MS) start--
  return points.slice(Math.max(0, start))
}

/** The latest week with survey answers in it, if any (a week's NPS, CSAT and ESAT are those of its answers). */
function latestVoice(points: KpiPoint[]): KpiPoint | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!
    if (p.nps?.n || p.csat?.n || p.esat?.n || p.esat?.basis === 'suppressed') return p
  }
  return null
}

function VoiceStat({ v }: { v: KpiPoint | null }) {
  if (!v) return <Stat label="NPS · CSAT · ESAT" value="no data" hint="no survey answers yet" />
  const score = (kind: 'nps' | 'csat' | 'esat') => (v[kind] ? formatScore(kind, v[kind]) : '—')
  const esat = v.esat?.basis === 'suppressed' ? 'hidden' : score('esat')
  return <Stat label="NPS · CSAT · ESAT" value={`${score('nps')} · ${score('csat')} · ${esat}`} hint={`answers of the week of ${formatDate(v.weekStart)}: n = ${v.nps?.n ?? 0} · ${v.csat?.n ?? 0} · ${v.esat?.n ?? (v.esat ? '< 5' : 0)}`} />
}

function Headline({ p, voice }: { p: KpiPoint; voice: KpiPoint | null }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }} className="tend-card" p="lg" spacing="lg">
      <Stat label="Key coverage" value={pct(p.coverage)} hint={`${p.keyCovered} of ${p.keyRelationships} key relationships within cadence`} />
      <Stat label="Average trust" value={p.trustAvg === null ? '—' : Math.round(p.trustAvg)} hint={`${p.relationships} relationships`} />
      <Stat label="Cold" value={p.coldCount} hint="no meaningful contact within cadence" />
      <Stat label="Give / ask" value={`${p.gave} / ${p.asked}`} hint={`${p.experiences} experiences this week`} />
      <Stat label="Escalations · referrals" value={`${p.escalations} · ${p.referrals}`} hint="logged this week" />
      <VoiceStat v={voice} />
      <Stat label="Revenue this week" value={formatMoney(p.revenue)} hint={p.revenueConverted.amount !== null && Object.keys(p.revenue).length > 1 ? `= ${formatMoney({ [p.revenueConverted.currency]: p.revenueConverted.amount })} at stated rates` : undefined} />
      <Stat label="New opportunities" value={p.newOpportunities} hint={formatMoney(p.newOpportunityValue)} />
      <Stat label="People" value={p.people} />
      <Stat label="Week" value={formatDate(p.weekStart)} hint="as of its end" />
    </SimpleGrid>
  )
}

function Distribution({ p }: { p: KpiPoint }) {
  const total = p.trustBands.reduce((a, b) => a + b, 0)
  return (
    <Stack gap={6}>
      {p.trustBands.map((n, i) => (
        <Group key={BANDS[i]} gap="sm" wrap="nowrap">
          <Text fz="sm" w={64} style={{ fontVariantNumeric: 'tabular-nums' }}>{BANDS[i]}</Text>
          <Progress value={total ? (n / total) * 100 : 0} flex={1} size={10} color="teal" aria-label={`Trust ${BANDS[i]}: ${n} relationships`} />
          <Text fz="sm" w={40} ta="right">{n}</Text>
        </Group>
      ))}
    </Stack>
  )
}

function BreakdownSection({ isAnalyst }: { isAnalyst: boolean }) {
  const [by, setBy] = useState<'tier' | 'team' | 'user'>('tier')
  const data = useBreakdown(by)
  return (
    <Section id="breakdown" title="By tier, team and person" description={data.data?.weekStart ? `Week of ${formatDate(data.data.weekStart)}` : undefined}
      actions={<Group gap="sm"><SegmentedControl size="xs" value={by} onChange={(v) => setBy(v as typeof by)} data={[{ value: 'tier', label: 'Tier' }, { value: 'team', label: 'Team' }, ...(isAnalyst ? [] : [{ value: 'user', label: 'Person' }])]} aria-label="Break down by" /><CsvLink href={csvUrl('/kpis/breakdown', { by })} label={`KPIs by ${by}`} /></Group>}>
      {data.isPending ? <PageLoader /> : data.isError ? <ErrorNotice error={data.error} /> : data.data.items.length === 0 ? <EmptyState title="No snapshots yet" /> : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs">
            <Table.Thead><Table.Tr><Table.Th>{by === 'tier' ? 'Tier' : by === 'team' ? 'Team' : 'Person'}</Table.Th><Table.Th>Key coverage</Table.Th><Table.Th>Average trust</Table.Th><Table.Th>Cold</Table.Th><Table.Th>Give / ask</Table.Th><Table.Th>Revenue</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {data.data.items.map((i) => (
                <Table.Tr key={i.scopeId}>
                  <Table.Td><Text fz="sm" fw={500}>{by === 'tier' ? (TIER_LABELS[i.label] ?? i.label) : i.label}</Text></Table.Td>
                  <Table.Td>{pct(i.coverage)}</Table.Td>
                  <Table.Td>{i.trustAvg === null ? '—' : Math.round(i.trustAvg)}</Table.Td>
                  <Table.Td>{i.coldCount}</Table.Td>
                  <Table.Td>{i.gave} / {i.asked}</Table.Td>
                  <Table.Td>{formatMoney(i.revenue)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  )
}

export function KpisPage() {
  const session = useCurrentSession()
  const isAdmin = hasRole(session, 'admin')
  const isAnalyst = session.user.role === 'analyst'
  const isManager = session.user.role === 'manager' || isAdmin
  const [scope, setScope] = useState<Scope>({ scope: 'org' })
  const series = useSeries(scope)
  const rebuild = useRebuild()
  const scopes = [{ value: 'org', label: 'Organisation' }, ...(isManager ? [{ value: 'team', label: 'My team' }] : []), ...(isAnalyst ? [] : [{ value: 'user', label: 'Me' }])]
  const points = recentRun(series.data?.points ?? [])
  const latest = points.at(-1)
  return (
    <Page title="KPIs" subtitle="Relationship KPIs week by week, each as of the end of its week, rebuilt from history"
      actions={<>
        <SegmentedControl size="xs" value={scope.scope === 'tier' ? 'org' : scope.scope} onChange={(v) => setScope(v === 'org' ? { scope: 'org' } : { scope: v as 'team' | 'user', id: session.user.id })} data={scopes} aria-label="Scope" />
        <Select size="xs" w={140} placeholder="Tier…" clearable value={scope.scope === 'tier' ? (scope.id ?? null) : null} onChange={(v) => setScope(v ? { scope: 'tier', id: v } : { scope: 'org' })} data={Object.entries(TIER_LABELS).map(([value, label]) => ({ value, label }))} aria-label="Tier" />
        {isAdmin ? <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} loading={rebuild.isPending} onClick={() => rebuild.mutate()}>Rebuild snapshots</Button> : null}
      </>}>
      <Stack gap="lg">
        {rebuild.data ? <Alert color="teal" variant="light">Rebuilt {rebuild.data.weeks} weeks ({rebuild.data.rows} rows).</Alert> : null}
        {series.isPending ? <PageLoader /> : series.isError ? <ErrorNotice error={series.error} /> : !latest ? (
          <Section title={series.data.label}><EmptyState title="No weekly snapshots yet">{isAdmin ? 'Rebuild snapshots to compute every week from your history.' : 'An admin can rebuild them (or run tend kpis snapshot).'}</EmptyState></Section>
        ) : (
          <>
            <Group justify="space-between"><Text fw={600}>{series.data.label}</Text><CsvLink href={csvUrl('/kpis/series', { scope: scope.scope, id: scope.id })} label="weekly KPIs" /></Group>
            <Headline p={latest} voice={latestVoice(points)} />
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              <Section id="trust-trend" title="Average trust" description={`${points.length} weeks`}>
                <TrendChart points={points.filter((p) => p.trustAvg !== null).map((p) => ({ at: `${p.weekStart}T00:00:00Z`, score: p.trustAvg! }))} label="Average trust by week" />
              </Section>
              <Section id="coverage-trend" title="Key coverage" description="Share of key relationships within their cadence, %">
                <TrendChart points={points.filter((p) => p.coverage !== null).map((p) => ({ at: `${p.weekStart}T00:00:00Z`, score: Math.round(p.coverage! * 100) }))} label="Key coverage by week" />
              </Section>
            </SimpleGrid>
            <Section id="distribution" title="Trust distribution" description="Relationships by score band, latest week"><Distribution p={latest} /></Section>
            <Text fz="xs" c="dimmed">{series.data.notes.join(' ')}</Text>
          </>
        )}
        <BreakdownSection isAnalyst={isAnalyst} />
        <OutcomesSection />
        <RoiSection />
        <ProgrammesSection canCreate={isManager} />
      </Stack>
    </Page>
  )
}
