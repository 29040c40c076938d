import { Group, SegmentedControl, Table, Text } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { EmptyState, ErrorNotice, PageLoader, Section } from '../../components/page.tsx'
import { api } from '../../lib/api-client.ts'
import { formatInterval, formatScore, type Results } from './api.ts'
import { TrendChart } from './trend-chart.tsx'

type Kind = 'nps' | 'csat' | 'esat'
type By = 'account' | 'owner' | 'team' | 'survey'

/** NPS, CSAT or ESAT across every survey, by account, owner, team or survey, with the trend by month. */
export function ResultsAcross() {
  const [kind, setKind] = useState<Kind>('nps')
  const [groupBy, setGroupBy] = useState<By>('account')
  const results = useQuery({ queryKey: ['surveys', 'across', kind, groupBy], queryFn: () => api<Results>('/survey-results', { query: { kind, groupBy, period: 'month' } }) })
  return (
    <Section title="Results across surveys" id="results-across" description="Each figure with its 95 % interval and the number of answers behind it"
      actions={
        <Group gap="xs">
          <SegmentedControl size="xs" value={kind} onChange={(v) => setKind(v as Kind)} data={[{ value: 'nps', label: 'NPS' }, { value: 'csat', label: 'CSAT' }, { value: 'esat', label: 'ESAT' }]} aria-label="Measure" />
          <SegmentedControl size="xs" value={groupBy} onChange={(v) => setGroupBy(v as By)} data={[{ value: 'account', label: 'Account' }, { value: 'owner', label: 'Owner' }, { value: 'team', label: 'Team' }, { value: 'survey', label: 'Survey' }]} aria-label="Group by" />
        </Group>
      }>
      {results.isPending ? <PageLoader /> : results.error ? <ErrorNotice error={results.error} /> : results.data.overall.n === 0 ? <EmptyState title="No answers yet" /> : (
        <>
          <Text fz="sm" mb="xs">Overall: <strong>{formatScore(kind, results.data.overall)}</strong> · {formatInterval(results.data.overall)} · n = {results.data.overall.n ?? '< 5'}</Text>
          <TrendChart kind={kind} trend={results.data.trend} />
          <Table.ScrollContainer minWidth={420}>
            <Table fz="sm" mt="md" verticalSpacing={4} aria-label={`${kind.toUpperCase()} by ${groupBy}`}>
              <Table.Thead><Table.Tr><Table.Th>{groupBy[0]!.toUpperCase() + groupBy.slice(1)}</Table.Th><Table.Th>Score</Table.Th><Table.Th>Interval</Table.Th><Table.Th>n</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{results.data.groups.map((g) => (
                <Table.Tr key={g.key}><Table.Td>{g.label}</Table.Td><Table.Td>{formatScore(kind, g.stats)}</Table.Td><Table.Td>{formatInterval(g.stats)}</Table.Td><Table.Td>{g.stats.n ?? '< 5'}</Table.Td></Table.Tr>
              ))}</Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Section>
  )
}
