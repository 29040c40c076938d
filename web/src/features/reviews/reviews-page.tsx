import { ActionIcon, Alert, Anchor, Badge, Button, Checkbox, Group, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate, formatDaysAgo } from '../../lib/format.ts'
import { useCurrentSession } from '../auth/api.ts'
import { csvUrl } from '../kpis/api.ts'
import { CsvLink } from '../kpis/csv-link.tsx'
import { TrendChart } from '../trust/trend-chart.tsx'
import { useUsers } from '../users/api.ts'
import { useCreateReview, useReviewPrep, useReviews, type ReviewPrep } from './api.ts'

type Draft = { ownerId: string; text: string; dueOn: string }

function RelationshipTable({ items, empty }: { items: ReviewPrep['cold']; empty: string }) {
  if (items.length === 0) return <Text fz="sm" c="dimmed">{empty}</Text>
  return (
    <Table verticalSpacing={4} fz="sm">
      <Table.Thead><Table.Tr><Table.Th>Stakeholder</Table.Th><Table.Th>Importance</Table.Th><Table.Th>Trust</Table.Th><Table.Th>Last meaningful</Table.Th></Table.Tr></Table.Thead>
      <Table.Tbody>
        {items.map((r) => (
          <Table.Tr key={r.relationshipId}>
            <Table.Td><Anchor component={Link} to={`/stakeholders/${r.stakeholderId}`} fz="sm" c="dark">{r.stakeholderName}</Anchor>{r.accountName ? <Text fz="xs" c="dimmed">{r.accountName}</Text> : null}</Table.Td>
            <Table.Td>{r.importance}/5</Table.Td>
            <Table.Td>{r.score === null ? '—' : Math.round(r.score)} {r.isCold ? <Badge color="red" variant="light" size="sm">cold</Badge> : null}</Table.Td>
            <Table.Td>{formatDaysAgo(r.daysSinceMeaningful)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function ReviewForm({ reportId, prep, people }: { reportId: string; prep: ReviewPrep; people: { value: string; label: string }[] }) {
  const create = useCreateReview()
  const [notes, setNotes] = useState('')
  const [heldOn, setHeldOn] = useState(new Date().toISOString().slice(0, 10))
  const [done, setDone] = useState<string[]>([])
  const [drafts, setDrafts] = useState<Draft[]>([{ ownerId: reportId, text: '', dueOn: '' }])
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  const save = () => create.mutate(
    { reportId, heldOn, notes, completedCommitmentIds: done, commitments: drafts.filter((d) => d.text.trim()).map((d) => ({ ownerId: d.ownerId, text: d.text.trim(), dueOn: d.dueOn || null })) },
    { onSuccess: () => { setNotes(''); setDone([]); setDrafts([{ ownerId: reportId, text: '', dueOn: '' }]) } },
  )
  return (
    <Section id="record" title="Record this review" description="Commitments stay open and come back at the next review until they are done">
      <Stack gap="md">
        {create.isSuccess ? <Alert color="teal" variant="light">Review saved.</Alert> : null}
        {create.isError && !Object.keys(errors).length ? <ErrorNotice error={create.error} /> : null}
        <Stack gap={4}>
          <Text fz="sm" fw={600}>Open commitments ({prep.openCommitments.length})</Text>
          {prep.openCommitments.length === 0 ? <Text fz="sm" c="dimmed">None carried forward.</Text> : prep.openCommitments.map((c) => (
            <Checkbox key={c.id} checked={done.includes(c.id)} onChange={(e) => setDone(e.currentTarget.checked ? [...done, c.id] : done.filter((x) => x !== c.id))}
              label={<Text fz="sm">{c.text} <Text span c="dimmed" fz="xs">— {c.ownerName}{c.dueOn ? `, due ${formatDate(c.dueOn)}` : ''}</Text>{c.overdue ? <Badge ml={6} color="red" variant="light" size="sm">overdue</Badge> : null}</Text>} />
          ))}
        </Stack>
        <Stack gap={4}>
          <Text fz="sm" fw={600}>Overdue gives ({prep.overduePlanActivities.length})</Text>
          {prep.overduePlanActivities.length === 0 ? <Text fz="sm" c="dimmed">No planned give is overdue.</Text> : prep.overduePlanActivities.map((a) => (
            <Text key={a.id} fz="sm">{a.title} <Text span c="dimmed" fz="xs">— {a.subjectName}, {a.daysOverdue} {a.daysOverdue === 1 ? 'day' : 'days'} overdue</Text></Text>
          ))}
        </Stack>
        <Stack gap={4}>
          <Text fz="sm" fw={600}>Open survey follow-ups ({prep.openFollowUps.length})</Text>
          {prep.openFollowUps.length === 0 ? <Text fz="sm" c="dimmed">No detractor is waiting for an answer.</Text> : prep.openFollowUps.map((f) => (
            <Text key={f.id} fz="sm">{f.stakeholderName ?? 'Anonymous'}{f.accountName ? ` (${f.accountName})` : ''} <Text span c="dimmed" fz="xs">— {f.kind.toUpperCase()} {f.score ?? ''}, due {formatDate(f.dueAt)}</Text></Text>
          ))}
        </Stack>
        <TextInput type="date" label="Held on" value={heldOn} onChange={(e) => setHeldOn(e.currentTarget.value)} w={180} error={errors.heldOn} />
        <Textarea label="Notes" autosize minRows={3} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} error={errors.notes} />
        <Stack gap={6}>
          <Text fz="sm" fw={600}>New commitments</Text>
          {drafts.map((d, i) => (
            <Group key={i} gap="xs" align="flex-end" wrap="wrap">
              <TextInput size="xs" label={i === 0 ? 'What' : undefined} aria-label="Commitment" placeholder="e.g. Invite Ann to the customer advisory board" value={d.text} onChange={(e) => setDrafts(drafts.map((x, j) => (j === i ? { ...x, text: e.currentTarget.value } : x)))} w={340} />
              <Select size="xs" label={i === 0 ? 'Owner' : undefined} aria-label="Owner" data={people} value={d.ownerId} onChange={(v) => setDrafts(drafts.map((x, j) => (j === i ? { ...x, ownerId: v ?? reportId } : x)))} w={180} allowDeselect={false} />
              <TextInput size="xs" type="date" label={i === 0 ? 'Due' : undefined} aria-label="Due date" value={d.dueOn} onChange={(e) => setDrafts(drafts.map((x, j) => (j === i ? { ...x, dueOn: e.currentTarget.value } : x)))} w={150} />
              <ActionIcon variant="subtle" color="gray" aria-label="Remove commitment" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}><IconTrash size={16} /></ActionIcon>
            </Group>
          ))}
          <Group><Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} onClick={() => setDrafts([...drafts, { ownerId: reportId, text: '', dueOn: '' }])}>Add commitment</Button></Group>
        </Stack>
        <Group><Button onClick={save} loading={create.isPending}>Save review</Button></Group>
      </Stack>
    </Section>
  )
}

export function ReviewsPage() {
  const session = useCurrentSession()
  const [params, setParams] = useSearchParams()
  const team = useUsers({ subtreeOf: 'me' })
  const reports = (team.data ?? []).filter((u) => u.id !== session.user.id)
  const reportId = params.get('report') ?? reports[0]?.id ?? null
  const prep = useReviewPrep(reportId)
  const history = useReviews(reportId)
  const people = [...reports, session.user].map((u) => ({ value: u.id, label: u.id === session.user.id ? `${u.name} (you)` : u.name }))
  return (
    <Page title="Relationship reviews" subtitle="A regular 1:1 on each report's key relationships: what went cold, what was promised, what happens next"
      actions={<Select aria-label="Report" placeholder="Choose a report" data={reports.map((u) => ({ value: u.id, label: u.name }))} value={reportId} onChange={(v) => v && setParams({ report: v })} w={240} allowDeselect={false} />}>
      {team.isPending ? <PageLoader /> : reports.length === 0 ? <EmptyState title="Nobody reports to you">Reviews are held by a manager with each person in their team.</EmptyState> : !reportId || prep.isPending ? <PageLoader /> : prep.isError ? <ErrorNotice error={prep.error} /> : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <Section id="trend" title={`${prep.data.report.name}: average trust`} description="Weekly snapshots, last 13 weeks">
              {prep.data.trustTrend.length ? <TrendChart points={prep.data.trustTrend} label={`Average trust of ${prep.data.report.name}'s relationships by week`} /> : <Text fz="sm" c="dimmed">No snapshots yet.</Text>}
            </Section>
            <Section id="cold" title={`Gone cold (${prep.data.cold.length})`} description="No meaningful contact within the cadence">
              <RelationshipTable items={prep.data.cold.slice(0, 15)} empty="Nothing has gone cold." />
            </Section>
          </SimpleGrid>
          <Section id="key" title={`Key relationships (${prep.data.keyRelationships.length})`} description="Importance 4–5">
            <RelationshipTable items={prep.data.keyRelationships.slice(0, 25)} empty="No key relationships yet." />
          </Section>
          {prep.data.notes.length ? <Text fz="xs" c="dimmed">{prep.data.notes.join(' ')}</Text> : null}
          <ReviewForm key={reportId} reportId={reportId} prep={prep.data} people={people} />
          <Section id="history" title="Earlier reviews" actions={<CsvLink href={csvUrl('/reviews', { reportId })} label="reviews and commitments" />}>
            {history.isPending ? <PageLoader /> : (history.data ?? []).length === 0 ? <Text fz="sm" c="dimmed">None yet.</Text> : (
              <Stack gap="sm">
                {history.data!.map((r) => (
                  <div key={r.id}>
                    <Text fz="sm" fw={600}>{formatDate(r.heldOn)}</Text>
                    {r.notes ? <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>{r.notes}</Text> : null}
                    {r.commitments.map((c) => <Text key={c.id} fz="xs" c="dimmed">{c.doneAt ? '✓' : '○'} {c.text} — {c.ownerName}{c.dueOn ? `, due ${formatDate(c.dueOn)}` : ''}</Text>)}
                  </div>
                ))}
              </Stack>
            )}
          </Section>
        </Stack>
      )}
    </Page>
  )
}
