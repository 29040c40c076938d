import { Alert, Anchor, Badge, Button, CopyButton, Group, MultiSelect, SegmentedControl, SimpleGrid, Stack, Table, Text } from '@mantine/core'
import { useState } from 'react'
import { Link, useParams } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section, Stat } from '../../components/page.tsx'
import { formatDate } from '../../lib/format.ts'
import { useCurrentSession } from '../auth/api.ts'
import type { StakeholderChoice } from '../experiences/quick-log-context.tsx'
import { StakeholderPicker } from '../experiences/stakeholder-picker.tsx'
import { useUsers } from '../users/api.ts'
import {
  formatInterval, formatScore, KIND_NAMES, useCloseSurvey, useCreateLink, useRecipients, useSendSurvey, useSurvey, useSurveyResponses, useSurveyResults,
  type Recipient, type Survey, type SurveyResults,
} from './api.ts'
import { TrendChart } from './trend-chart.tsx'

const CATEGORY_COLOURS: Record<string, string> = { promoter: 'green', satisfied: 'green', passive: 'gray', neutral: 'gray', detractor: 'red', dissatisfied: 'red' }

function ResultsSection({ survey, results, period, setPeriod }: { survey: Survey; results: SurveyResults; period: string; setPeriod: (p: string) => void }) {
  const o = results.overall
  const label = survey.kind === 'nps' ? 'NPS' : survey.kind === 'esat' ? 'ESAT' : 'CSAT'
  return (
    <Section title="Results" id="results" description={survey.kind === 'nps' ? '% promoters (9–10) − % detractors (0–6)' : '% of answers 4 or 5'}
      actions={<SegmentedControl size="xs" value={period} onChange={setPeriod} data={[{ value: 'week', label: 'Week' }, { value: 'month', label: 'Month' }, { value: 'quarter', label: 'Quarter' }]} aria-label="Trend period" />}>
      <SimpleGrid cols={{ base: 2, sm: 5 }} mb="md">
        <Stat label={label} value={<span data-testid="survey-score">{formatScore(survey.kind, o)}</span>} hint={formatInterval(o)} />
        <Stat label="Answers" value={o.n ?? '< 5'} hint={`of ${survey.recipientCount} invited`} />
        {o.counts ? Object.entries(o.counts).map(([k, v]) => <Stat key={k} label={k} value={v} />) : null}
      </SimpleGrid>
      {results.trend.length > 0 ? <TrendChart kind={survey.kind} trend={results.trend} /> : <EmptyState title="No answers yet" />}
      {results.questions.length ? (
        <Table fz="sm" mt="md" verticalSpacing={4} aria-label="Other questions">
          <Table.Thead><Table.Tr><Table.Th>Question</Table.Th><Table.Th>Answers</Table.Th><Table.Th>Summary</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>{results.questions.map((x) => (
            <Table.Tr key={x.id}><Table.Td>{x.label}</Table.Td><Table.Td>{x.n}</Table.Td>
              <Table.Td>{x.mean !== null ? `mean ${x.mean.toFixed(1)}` : x.counts ? Object.entries(x.counts).map(([k, v]) => `${k}: ${v}`).join(' · ') : 'see the answers'}</Table.Td></Table.Tr>
          ))}</Table.Tbody>
        </Table>
      ) : null}
    </Section>
  )
}

function SendSection({ survey }: { survey: Survey }) {
  const send = useSendSurvey(survey.id)
  const [people, setPeople] = useState<StakeholderChoice[]>([])
  const [userIds, setUserIds] = useState<string[]>([])
  const users = useUsers({})
  const isStaff = survey.audience === 'staff'
  return (
    <Section title="Send" id="send" description={isStaff ? 'Each colleague gets a personal link by e-mail. Answers are anonymous.' : 'Each stakeholder gets a personal one-time link by e-mail.'}>
      <form onSubmit={(e) => {
        e.preventDefault()
        send.mutate(isStaff ? { userIds } : { stakeholderIds: people.map((p) => p.id) }, { onSuccess: () => { setPeople([]); setUserIds([]) } })
      }}>
        {isStaff
          ? <MultiSelect label="Colleagues" data={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} value={userIds} onChange={setUserIds} searchable />
          : <StakeholderPicker value={people} onChange={setPeople} />}
        <Button type="submit" mt="sm" loading={send.isPending} disabled={isStaff ? !userIds.length : !people.length || !!survey.closedAt}>Send survey</Button>
      </form>
      {send.data ? (
        <Alert mt="sm" color="brand" variant="light" role="status">
          Invited {send.data.added.length}{send.data.alreadyInvited.length ? `, ${send.data.alreadyInvited.length} already invited` : ''}
          {send.data.withoutEmail.length ? `, ${send.data.withoutEmail.length} without an e-mail address (copy their link below)` : ''}.
        </Alert>
      ) : null}
      {send.error ? <ErrorNotice error={send.error} /> : null}
    </Section>
  )
}

function RecipientRow({ survey, r }: { survey: Survey; r: Recipient }) {
  const link = useCreateLink(survey.id)
  return (
    <Table.Tr>
      <Table.Td>{r.stakeholderId ? <Anchor component={Link} to={`/stakeholders/${r.stakeholderId}`}>{r.name}</Anchor> : r.name}</Table.Td>
      <Table.Td><Text fz="sm" c="dimmed">{r.email ?? 'no e-mail'}</Text></Table.Td>
      <Table.Td><Text fz="sm" fw={r.respondedAt ? 600 : 400} className="tend-nowrap">{r.respondedAt ? 'Answered' : r.remindedAt ? 'Reminded' : r.sentAt ? 'Sent' : 'Queued'}</Text></Table.Td>
      <Table.Td>
        {survey.audience === 'stakeholders' && !r.respondedAt && !survey.closedAt ? (link.data
          ? <CopyButton value={link.data.url}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy} data-testid="survey-link" data-url={link.data.url}>{copied ? 'Copied' : 'Copy link'}</Button>}</CopyButton>
          : <Button size="xs" variant="subtle" onClick={() => link.mutate(r.id)} loading={link.isPending} aria-label={`New link for ${r.name}`}>New link</Button>) : null}
      </Table.Td>
    </Table.Tr>
  )
}

function AnswersSection({ survey }: { survey: Survey }) {
  const responses = useSurveyResponses(survey.id, true)
  const recipients = useRecipients(survey.id, true)
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Section title="Answers" id="answers" description={survey.audience === 'staff' ? 'Anonymous; shown from five answers.' : 'Promoters, passives and detractors.'}>
        {responses.isPending ? <PageLoader /> : responses.error ? <ErrorNotice error={responses.error} /> : responses.data.hidden
          ? <EmptyState title="Hidden until five colleagues have answered" />
          : responses.data.items.length === 0 ? <EmptyState title="No answers yet" /> : (
            <Stack component="ul" gap="xs" m={0} p={0} style={{ listStyle: 'none' }}>
              {responses.data.items.map((r) => (
                <li key={r.id}>
                  <Group gap={8}>
                    <Badge color={CATEGORY_COLOURS[r.category ?? ''] ?? 'gray'} variant="light" tt="none">{r.score} · {r.category}</Badge>
                    {r.stakeholderName ? <Text fz="sm" fw={600}>{r.stakeholderName}</Text> : null}
                    {r.accountName ? <Text fz="sm" c="dimmed">{r.accountName}</Text> : null}
                  </Group>
                  {r.comment ? <Text fz="sm" mt={2}>{r.comment}</Text> : null}
                </li>
              ))}
            </Stack>
          )}
      </Section>
      <Section title="Recipients" id="recipients">
        {recipients.isPending ? <PageLoader /> : recipients.error ? <ErrorNotice error={recipients.error} /> : recipients.data.items.length === 0 ? <EmptyState title="Not sent yet" /> : (
          <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing="xs"><Table.Tbody>{recipients.data.items.map((r) => <RecipientRow key={r.id} survey={survey} r={r} />)}</Table.Tbody></Table>
          </Table.ScrollContainer>
        )}
      </Section>
    </SimpleGrid>
  )
}

export function SurveyPage() {
  const { surveyId = '' } = useParams()
  const [period, setPeriod] = useState('month')
  const survey = useSurvey(surveyId)
  const results = useSurveyResults(surveyId, period)
  const close = useCloseSurvey(surveyId)
  const canWrite = useCurrentSession().permissions.includes('records')
  if (survey.isPending) return <PageLoader />
  if (survey.error) return <Page title="Survey"><ErrorNotice error={survey.error} /></Page>
  const s = survey.data
  return (
    <Page title={s.name} subtitle={<>{KIND_NAMES[s.kind]} · created {formatDate(s.createdAt)}{s.closedAt ? ` · closed ${formatDate(s.closedAt)}` : ''} · <Anchor component={Link} to="/surveys" fz="sm">All surveys</Anchor></>}
      actions={s.closedAt || !canWrite ? null : <Button variant="default" onClick={() => close.mutate()} loading={close.isPending}>Close survey</Button>}>
      <Stack gap="lg">
        {results.data ? <ResultsSection survey={s} results={results.data} period={period} setPeriod={setPeriod} /> : results.error ? <ErrorNotice error={results.error} /> : <PageLoader />}
        {s.closedAt || !canWrite ? null : <SendSection survey={s} />}
        {canWrite ? <AnswersSection survey={s} /> : null}
      </Stack>
    </Page>
  )
}
