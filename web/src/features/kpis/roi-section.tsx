import { Alert, Group, List, SegmentedControl, SimpleGrid, Table, Text } from '@mantine/core'
import { useState } from 'react'
import { ErrorNotice, PageLoader, Section, Stat } from '../../components/page.tsx'
import { formatDate } from '../../lib/format.ts'
import { csvUrl, formatMoney, pct, useRoi } from './api.ts'
import { CsvLink } from './csv-link.tsx'

const BAND_LABELS: Record<string, string> = { low: 'Low trust (under 40)', medium: 'Medium (40–70)', high: 'High (70 and over)' }

/** Trust and business on the organisation's own data, with what the numbers can and cannot prove. */
export function RoiSection() {
  const [months, setMonths] = useState('12')
  const roi = useRoi(Number(months))
  return (
    <Section id="roi" title="Trust and business" description={roi.data ? `Trust at ${formatDate(roi.data.periodStart)} (snapshot week ${formatDate(roi.data.trustWeek)}) against revenue in the ${months} months after vs the ${months} before, in ${roi.data.currency}` : undefined}
      actions={<Group gap="sm"><SegmentedControl size="xs" value={months} onChange={setMonths} data={[{ value: '6', label: '6 months' }, { value: '12', label: '12 months' }]} aria-label="Period" /><CsvLink href={csvUrl('/kpis/roi', { months })} label="trust and revenue per account" /></Group>}>
      {roi.isPending ? <PageLoader /> : roi.isError ? <ErrorNotice error={roi.error} /> : (
        <>
          <Alert variant="light" color="gray" mb="md" title={roi.data.interpretation[0]}>
            <List size="sm" spacing={4}>{roi.data.interpretation.slice(1).map((t) => <List.Item key={t}>{t}</List.Item>)}</List>
          </Alert>
          <SimpleGrid cols={{ base: 2, sm: 4 }} mb="md">
            {roi.data.correlations.map((c) => (
              <Stat key={c.method} label={c.method === 'pearson' ? 'Pearson r' : 'Spearman ρ'} value={c.r === null ? '—' : c.r.toFixed(2)} hint={`n = ${c.n}${c.ci95 ? `, 95 % CI ${c.ci95[0]!.toFixed(2)} to ${c.ci95[1]!.toFixed(2)}` : ''}`} />
            ))}
            <Stat label="Left out" value={roi.data.excluded.noTrust + roi.data.excluded.noRate + roi.data.excluded.noRevenueBefore} hint={`${roi.data.excluded.noTrust} no trust history, ${roi.data.excluded.noRevenueBefore} no earlier revenue, ${roi.data.excluded.noRate} no rate`} />
          </SimpleGrid>
          <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs">
            <Table.Thead><Table.Tr><Table.Th>Trust band</Table.Th><Table.Th>Accounts</Table.Th><Table.Th>Revenue before</Table.Th><Table.Th>Revenue after</Table.Th><Table.Th>Growth</Table.Th><Table.Th>Retention</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {roi.data.bands.map((b) => (
                <Table.Tr key={b.band}>
                  <Table.Td><Text fz="sm" fw={500}>{BAND_LABELS[b.band] ?? b.band}</Text></Table.Td>
                  <Table.Td>{b.accounts}</Table.Td>
                  <Table.Td>{formatMoney({ [roi.data.currency]: b.revenueBefore })}</Table.Td>
                  <Table.Td>{formatMoney({ [roi.data.currency]: b.revenueAfter })}</Table.Td>
                  <Table.Td>{b.growth === null ? '—' : `${b.growth >= 0 ? '+' : ''}${Math.round(b.growth * 100)}%`}</Table.Td>
                  <Table.Td>{b.retention === null ? '—' : `${pct(b.retention)} of ${b.retainedOf}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Section>
  )
}
