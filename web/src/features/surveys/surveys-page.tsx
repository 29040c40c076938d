import { Anchor, Badge, Button, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate } from '../../lib/format.ts'
import { useCurrentSession } from '../auth/api.ts'
import { KIND_NAMES, useCreateSurvey, useSurveys, type SurveyKind } from './api.ts'
import { FollowUpsPanel } from './follow-ups-panel.tsx'
import { ResultsAcross } from './results-across.tsx'

function CreateSurveyForm({ onDone }: { onDone: () => void }) {
  const create = useCreateSurvey()
  const navigate = useNavigate()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<SurveyKind>('nps')
  const [intro, setIntro] = useState('')
  const [reminderDays, setReminderDays] = useState<number | string>(5)
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  return (
    <form onSubmit={(e) => {
      e.preventDefault()
      create.mutate({ name, kind, intro: intro || null, reminderDays: typeof reminderDays === 'number' ? reminderDays : null }, { onSuccess: (s) => { onDone(); void navigate(`/surveys/${s.id}`) } })
    }}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} error={errors.name} data-autofocus />
        <Select label="Kind" value={kind} onChange={(v) => v && setKind(v as SurveyKind)} allowDeselect={false}
          data={[{ value: 'nps', label: 'NPS — would they recommend us (0–10)' }, { value: 'csat', label: 'CSAT — satisfaction (1–5)' }, { value: 'esat', label: 'ESAT — our team, anonymous (1–5)' }]} />
      </SimpleGrid>
      <Textarea label="Introduction (optional)" value={intro} onChange={(e) => setIntro(e.currentTarget.value)} autosize minRows={2} maxLength={2000} mt="sm" error={errors.intro} />
      <NumberInput label="Remind non-responders after (days)" value={reminderDays} onChange={setReminderDays} min={1} max={60} mt="sm" w={260} error={errors.reminderDays} />
      {create.error && !Object.keys(errors).length ? <ErrorNotice error={create.error} /> : null}
      <Group mt="md"><Button type="submit" loading={create.isPending}>Create survey</Button><Button variant="subtle" onClick={onDone}>Cancel</Button></Group>
    </form>
  )
}

export function SurveysPage() {
  const surveys = useSurveys()
  const [isCreating, setCreating] = useState(false)
  // Analysts read aggregates only: no sending, no individual answers or follow-ups.
  const canWrite = useCurrentSession().permissions.includes('records')
  return (
    <Page title="Surveys" subtitle="NPS and CSAT from customers, ESAT from our team: sent as personal one-time links."
      actions={canWrite ? <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>New survey</Button> : null}>
      <Stack gap="lg">
        {isCreating ? <Section title="New survey" id="new-survey"><CreateSurveyForm onDone={() => setCreating(false)} /></Section> : null}
        <Section title="All surveys" id="survey-list">
          {surveys.isPending ? <PageLoader /> : surveys.error ? <ErrorNotice error={surveys.error} /> : surveys.data.items.length === 0
            ? <EmptyState title="No surveys yet">Create one, then send it to stakeholders.</EmptyState>
            : (
              <Table.ScrollContainer minWidth={560}>
                <Table verticalSpacing="sm">
                  <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Kind</Table.Th><Table.Th>Sent to</Table.Th><Table.Th>Answers</Table.Th><Table.Th>Created</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>
                    {surveys.data.items.map((s) => (
                      <Table.Tr key={s.id}>
                        <Table.Td><Anchor component={Link} to={`/surveys/${s.id}`} fw={600}>{s.name}</Anchor>{s.closedAt ? <Badge ml="xs" color="gray" variant="light" tt="none">Closed</Badge> : null}</Table.Td>
                        <Table.Td>{KIND_NAMES[s.kind]}</Table.Td>
                        <Table.Td>{s.recipientCount}</Table.Td>
                        <Table.Td>{s.responseCount}</Table.Td>
                        <Table.Td><Text fz="sm" c="dimmed">{formatDate(s.createdAt)}</Text></Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
        </Section>
        <ResultsAcross />
        {canWrite ? <FollowUpsPanel scope="all" title="Open detractor follow-ups" /> : null}
      </Stack>
    </Page>
  )
}
