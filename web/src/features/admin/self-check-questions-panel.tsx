import { Badge, Button, Checkbox, Group, Stack, Table, Text, TextInput } from '@mantine/core'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { ErrorNotice, PageLoader } from '../../components/page.tsx'
import { api, ApiError } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'

type Question = { id: string; text: string; isReversed: boolean; isBuiltIn: boolean }

const refresh = () => queryClient.invalidateQueries({ queryKey: ['plans'] })

/** The organisation's own self-check questions, after the four built-in ones every key account answers. */
export function SelfCheckQuestionsPanel() {
  const questions = useQuery({ queryKey: ['plans', 'self-check-questions'], queryFn: () => api<Question[]>('/self-check/questions') })
  const add = useMutation({ mutationFn: (body: { text: string; isReversed: boolean }) => api<Question>('/self-check/questions', { method: 'POST', body }), onSuccess: refresh })
  const remove = useMutation({ mutationFn: (id: string) => api<null>(`/self-check/questions/${id}`, { method: 'DELETE' }), onSuccess: refresh })
  const [text, setText] = useState('')
  const [isReversed, setReversed] = useState(false)
  const errors = add.error instanceof ApiError ? add.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    add.mutate({ text: text.trim(), isReversed }, { onSuccess: () => { setText(''); setReversed(false) } })
  }
  if (questions.isPending) return <PageLoader />
  if (questions.isError) return <ErrorNotice error={questions.error} />
  return (
    <Stack gap="lg">
      <Text fz="sm" c="dimmed" maw={720}>
        Each key account's team answers these from 1 (not at all) to 5 (fully), every quarter. The score is compared with the trust score
        the evidence gives. Add your own questions; a reversed question is one where "fully" is bad news.
      </Text>
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing="xs" aria-label="Self-check questions">
          <Table.Thead><Table.Tr><Table.Th>Question</Table.Th><Table.Th>Kind</Table.Th><Table.Th><span className="sr-only">Actions</span></Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {questions.data.map((q) => (
              <Table.Tr key={q.id}>
                <Table.Td><Text fz="sm">{q.text}</Text></Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge variant="light" color={q.isBuiltIn ? 'gray' : 'brand'} tt="none">{q.isBuiltIn ? 'Built in' : 'Our own'}</Badge>
                    {q.isReversed ? <Badge variant="outline" color="gray" tt="none">Reversed</Badge> : null}
                  </Group>
                </Table.Td>
                <Table.Td>{q.isBuiltIn ? null : <Button size="xs" variant="subtle" color="red" loading={remove.isPending && remove.variables === q.id} onClick={() => remove.mutate(q.id)} aria-label={`Remove “${q.text}”`}>Remove</Button>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {remove.isError ? <ErrorNotice error={remove.error} /> : null}
      <form onSubmit={submit} noValidate aria-label="Add a self-check question">
        <Stack gap="xs" maw={640}>
          <TextInput label="Add a question" placeholder="e.g. Would they take our call on a bad day?" value={text} onChange={(e) => setText(e.currentTarget.value)} error={errors.text} />
          <Checkbox label="Reversed: a high answer is bad (e.g. “Could they get the same from a competitor tomorrow?”)" checked={isReversed} onChange={(e) => setReversed(e.currentTarget.checked)} />
          <Group><Button type="submit" loading={add.isPending} disabled={text.trim().length < 3}>Add question</Button></Group>
          {add.isError && Object.keys(errors).length === 0 ? <ErrorNotice error={add.error} /> : null}
        </Stack>
      </form>
    </Stack>
  )
}
