import { Anchor, Badge, Button, Group, Stack, Text, Textarea } from '@mantine/core'
import { useState } from 'react'
import { Link } from 'react-router'
import { EmptyState, ErrorNotice, PageLoader, Section } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate } from '../../lib/format.ts'
import { useCloseFollowUp, useFollowUps, type FollowUp } from './api.ts'

function FollowUpRow({ item }: { item: FollowUp }) {
  const close = useCloseFollowUp()
  const [isClosing, setClosing] = useState(false)
  const [resolution, setResolution] = useState('')
  const error = close.error instanceof ApiError ? close.error.fieldErrors.resolution ?? close.error.message : undefined
  return (
    <Stack component="li" gap={4} py="sm" style={{ borderTop: '1px solid var(--tend-border)' }}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap={8}>
          {item.stakeholderId ? <Anchor component={Link} to={`/stakeholders/${item.stakeholderId}`} fw={600} fz="sm">{item.stakeholderName}</Anchor> : null}
          {item.accountId ? <Anchor component={Link} to={`/accounts/${item.accountId}`} fz="sm" c="dimmed">{item.accountName}</Anchor> : null}
          <Badge color="gray" variant="light" tt="none">{item.kind.toUpperCase()} {item.score}</Badge>
          {item.isOverdue ? <Badge color="red" variant="light" tt="none">Overdue</Badge> : null}
        </Group>
        <Text fz="xs" c="dimmed">Due {formatDate(item.dueAt)} · {item.ownerName}</Text>
      </Group>
      {item.comment ? <Text fz="sm">“{item.comment}”</Text> : <Text fz="sm" c="dimmed">No comment given.</Text>}
      {item.closedAt ? <Text fz="sm" c="dimmed">Closed {formatDate(item.closedAt)}: {item.resolution}</Text> : isClosing ? (
        <form onSubmit={(e) => { e.preventDefault(); close.mutate({ id: item.id, resolution }) }}>
          <Textarea label="What was done?" value={resolution} onChange={(e) => setResolution(e.currentTarget.value)} autosize minRows={2} maxLength={4000} error={error} required />
          <Group gap="xs" mt="xs">
            <Button type="submit" size="xs" loading={close.isPending}>Close the loop</Button>
            <Button size="xs" variant="subtle" onClick={() => setClosing(false)}>Cancel</Button>
          </Group>
        </form>
      ) : <Group><Button size="xs" variant="light" onClick={() => setClosing(true)} aria-label={`Close the follow-up with ${item.stakeholderName ?? 'this detractor'}`}>Close…</Button></Group>}
    </Stack>
  )
}

/** Open follow-ups of detractor answers: yours (Today) or your team's (manager view). */
export function FollowUpsPanel({ scope = 'mine', title = 'Detractor follow-ups', hideWhenEmpty = false }: { scope?: 'mine' | 'team' | 'all'; title?: string; hideWhenEmpty?: boolean }) {
  const query = scope === 'mine' ? { ownerId: 'me' } : scope === 'team' ? { subtreeOf: 'me' } : {}
  const list = useFollowUps(query)
  if (hideWhenEmpty && (list.isPending || list.error || list.data.items.length === 0)) return null
  return (
    <Section title={title} description="Every detractor answer needs someone to call back and say what was done." id={`follow-ups-${scope}`}>
      {list.isPending ? <PageLoader /> : list.error ? <ErrorNotice error={list.error} /> : list.data.items.length === 0
        ? <EmptyState title="No open follow-ups">Detractor answers will appear here.</EmptyState>
        : <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }}>{list.data.items.map((f) => <FollowUpRow key={f.id} item={f} />)}</Stack>}
    </Section>
  )
}
