import { Group, Table, Text, TextInput } from '@mantine/core'
import { useState } from 'react'
import { EmptyState, ErrorNotice, PageLoader, Section } from '../../components/page.tsx'
import { csvUrl, formatMoney, useOutcomes } from './api.ts'
import { CsvLink } from './csv-link.tsx'

const iso = (d: Date) => d.toISOString().slice(0, 10)

/** Business outcomes per account over a period: money per currency, converted only at stated rates. */
export function OutcomesSection() {
  const [to, setTo] = useState(() => iso(new Date(Date.now() + 86_400_000)))
  const [from, setFrom] = useState(() => iso(new Date(Date.now() - 365 * 86_400_000)))
  const data = useOutcomes(from, to)
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from < to
  return (
    <Section id="outcomes" title="Business outcomes" description={data.data?.projectionMethod}
      actions={<Group gap="sm" align="flex-end">
        <TextInput size="xs" type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={140} />
        <TextInput size="xs" type="date" label="To (exclusive)" value={to} onChange={(e) => setTo(e.currentTarget.value)} w={140} />
        <CsvLink href={csvUrl('/outcomes', { from, to })} label="business outcomes" />
      </Group>}>
      {!valid ? <Text c="red" fz="sm">Choose a start before the end.</Text> : data.isPending ? <PageLoader /> : data.isError ? <ErrorNotice error={data.error} /> : data.data.accounts.length === 0 ? (
        <EmptyState title="No revenue or opportunities yet">Import them with tend outcomes import, or record them through the API.</EmptyState>
      ) : (
        <>
          <Text fz="sm" mb="sm">
            Total revenue {formatMoney(data.data.total.revenue)}
            {Object.keys(data.data.total.revenue).length > 1 ? (data.data.total.revenueConverted.amount === null
              ? ` — not added up: no stated rate for ${data.data.total.revenueConverted.missingRates?.join(', ')}`
              : ` = ${formatMoney({ [data.data.total.revenueConverted.currency]: data.data.total.revenueConverted.amount })} at the stated rates`) : ''}
            {' · '}lifetime value {formatMoney(data.data.total.lifetimeValue)} · RFPs retained {data.data.total.rfps.retained}, won {data.data.total.rfps.won}, lost {data.data.total.rfps.lost}
          </Text>
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="xs" striped>
              <Table.Thead><Table.Tr><Table.Th>Account</Table.Th><Table.Th>Revenue</Table.Th><Table.Th>Lifetime value</Table.Th><Table.Th>Projected</Table.Th><Table.Th>New leads</Table.Th><Table.Th>New opportunities</Table.Th><Table.Th>Won / lost</Table.Th><Table.Th>Open pipeline</Table.Th><Table.Th>RFPs</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {data.data.accounts.slice(0, 200).map((a) => (
                  <Table.Tr key={a.accountId}>
                    <Table.Td><Text fz="sm" fw={500}>{a.name}</Text></Table.Td>
                    <Table.Td>{formatMoney(a.revenue)}</Table.Td>
                    <Table.Td>{formatMoney(a.lifetimeValue)}</Table.Td>
                    <Table.Td>{formatMoney(a.projectedLifetimeValue)}</Table.Td>
                    <Table.Td>{a.newLeads.count}</Table.Td>
                    <Table.Td>{a.newOpportunities.count} <Text span fz="xs" c="dimmed">{formatMoney(a.newOpportunities.value)}</Text></Table.Td>
                    <Table.Td>{a.won.count} / {a.lost.count}</Table.Td>
                    <Table.Td>{a.openPipeline.count} <Text span fz="xs" c="dimmed">{formatMoney(a.openPipeline.value)}</Text></Table.Td>
                    <Table.Td>{a.rfps.retained + a.rfps.won + a.rfps.lost + a.rfps.open ? `${a.rfps.retained} kept · ${a.rfps.won} won · ${a.rfps.lost} lost · ${a.rfps.open} open` : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {data.data.accounts.length > 200 ? <Text fz="xs" c="dimmed" mt="xs">First 200 of {data.data.accounts.length} accounts; the CSV has them all.</Text> : null}
        </>
      )}
    </Section>
  )
}
