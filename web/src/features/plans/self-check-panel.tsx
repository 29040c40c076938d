import { Badge, Button, Group, SegmentedControl, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { ErrorNotice, PageLoader } from '../../components/page.tsx'
import { formatDate } from '../../lib/format.ts'
import { useSelfChecks, useSubmitSelfCheck } from './api.ts'

const VERDICT: Record<string, string> = { in_line: 'In line with the trust score', we_overrate: 'We rate it higher than the evidence', we_underrate: 'The evidence is better than we feel' }

/** The periodic self-check of a key account: score, trend, and the comparison with trust. */
export function SelfCheckPanel({ accountId }: { accountId: string }) {
  const summary = useSelfChecks(accountId)
  const submit = useSubmitSelfCheck(accountId)
  const [answers, setAnswers] = useState<Record<string, string>>({})
  const [isOpen, setOpen] = useState(false)
  if (summary.isPending) return <PageLoader />
  if (summary.isError) return <ErrorNotice error={summary.error} />
  const s = summary.data
  const complete = s.questions.every((q) => answers[q.id])
  return (
    <Stack gap="sm">
      {s.latestScore !== null ? (
        <Group gap="lg" wrap="wrap">
          <div><Text fz="xs" c="dimmed">Self-check</Text><Text fz="xl" fw={700}>{Math.round(s.latestScore)}</Text></div>
          <div><Text fz="xs" c="dimmed">Trust score</Text><Text fz="xl" fw={700}>{s.trustScore === null ? '—' : Math.round(s.trustScore)}</Text></div>
          <Stack gap={4}>
            {s.verdict ? <Badge variant="light" color={s.verdict === 'in_line' ? 'brand' : 'orange'} tt="none">{VERDICT[s.verdict]}</Badge> : null}
            {s.trend ? <Text fz="xs" c="dimmed">Trend: {s.trend} · {s.items.length} checks · {s.items.map((i) => Math.round(i.score)).join(' → ')}</Text> : null}
          </Stack>
        </Group>
      ) : <Text fz="sm" c="dimmed">No self-check yet. Five honest questions: do they believe we have their interests at heart?</Text>}
      <Text fz="xs" fw={s.isDue ? 600 : 400} c={s.isDue ? 'dark' : 'dimmed'}>{s.isDue ? 'A self-check is due.' : `Next self-check due ${formatDate(s.nextDueOn)}.`}</Text>
      {!isOpen ? <Group><Button size="xs" variant={s.isDue ? 'filled' : 'default'} onClick={() => setOpen(true)}>Take the self-check</Button></Group> : (
        <form noValidate aria-label="Self-check" onSubmit={(e) => { e.preventDefault(); submit.mutate(s.questions.map((q) => ({ questionId: q.id, value: Number(answers[q.id]) })), { onSuccess: () => { setOpen(false); setAnswers({}) } }) }}>
          <Stack gap="sm">
            {s.questions.map((q) => (
              <div key={q.id}>
                <Text fz="sm" id={`q-${q.id}`}>{q.text}</Text>
                <SegmentedControl size="xs" mt={4} aria-labelledby={`q-${q.id}`} value={answers[q.id] ?? ''} onChange={(v) => setAnswers({ ...answers, [q.id]: v })}
                  data={[{ value: '1', label: 'Not at all' }, { value: '2', label: '2' }, { value: '3', label: '3' }, { value: '4', label: '4' }, { value: '5', label: 'Fully' }]} />
              </div>
            ))}
            <Group gap="xs"><Button size="xs" type="submit" disabled={!complete} loading={submit.isPending}>Save self-check</Button><Button size="xs" variant="default" onClick={() => setOpen(false)}>Cancel</Button></Group>
          </Stack>
        </form>
      )}
    </Stack>
  )
}
