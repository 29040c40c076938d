import { Alert, Anchor, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { ErrorNotice, PageLoader } from '../../components/page.tsx'
import { formatDate } from '../../lib/format.ts'
import { useCalendarFeed, useCreateCalendarFeed, useRevokeCalendarFeed } from './api.ts'

/** Settings: the private ICS URL for Outlook / Google Calendar, shown once; revocable. */
export function CalendarFeedPanel() {
  const feed = useCalendarFeed()
  const create = useCreateCalendarFeed()
  const revoke = useRevokeCalendarFeed()
  const [url, setUrl] = useState<string | null>(null)
  if (feed.isPending) return <PageLoader />
  if (feed.isError) return <ErrorNotice error={feed.error} />
  return (
    <Stack gap="sm">
      <Text fz="sm">Subscribe in Outlook or Google Calendar to see your stakeholders' moments and your planned give-activities. The link is private: anyone who has it can read the calendar.</Text>
      {url ? (
        <Alert color="brand" variant="light" title="Your calendar link" role="status">
          <Text fz="sm" mb="xs">Copy it now: it is shown only once. Paste it in your calendar's "subscribe from URL".</Text>
          <Code block data-testid="calendar-url" style={{ wordBreak: 'break-all' }}>{url}</Code>
          <Group mt="sm" gap="xs">
            <CopyButton value={url}>{({ copied, copy }) => <Button size="xs" onClick={copy}>{copied ? 'Copied' : 'Copy link'}</Button>}</CopyButton>
            <Button size="xs" variant="default" onClick={() => setUrl(null)}>Done</Button>
          </Group>
        </Alert>
      ) : null}
      <Text fz="sm" c="dimmed" data-testid="calendar-status">
        {feed.data.isActive ? `A link is active (created ${formatDate(feed.data.createdAt)}${feed.data.lastUsedAt ? `, last read ${formatDate(feed.data.lastUsedAt)}` : ', not read yet'}).` : 'No calendar link yet.'}
      </Text>
      <Group gap="xs">
        <Button size="xs" loading={create.isPending} onClick={() => create.mutate(undefined, { onSuccess: (r) => setUrl(r.url) })}>{feed.data.isActive ? 'Replace link' : 'Create calendar link'}</Button>
        {feed.data.isActive ? <Button size="xs" variant="subtle" color="red" loading={revoke.isPending} onClick={() => revoke.mutate(undefined, { onSuccess: () => setUrl(null) })}>Revoke link</Button> : null}
        <Anchor href="/api/v1/me/calendar.ics" fz="sm" download>Download .ics once</Anchor>
      </Group>
    </Stack>
  )
}
