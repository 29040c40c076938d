import { Alert, Badge, Button, Code, CopyButton, Group, PasswordInput, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type FormEvent } from 'react'
import { EmptyState, ErrorNotice, Page, PageLoader, Section } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate, label, ROLE_LABELS } from '../../lib/format.ts'
import { useChangePassword, useCurrentSession } from '../auth/api.ts'
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from './api.ts'
import { CalendarFeedPanel } from '../moments/calendar-feed-panel.tsx'
import { DigestPanel } from './digest-panel.tsx'
import { TimeZonePanel } from './time-zone-panel.tsx'

function PasswordForm() {
  const change = useChangePassword()
  const [currentPassword, setCurrent] = useState('')
  const [newPassword, setNew] = useState('')
  const [confirm, setConfirm] = useState('')
  const mismatch = confirm.length > 0 && confirm !== newPassword
  const errors = change.error instanceof ApiError ? change.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (mismatch) return
    change.mutate({ currentPassword, newPassword }, {
      onSuccess: () => { setCurrent(''); setNew(''); setConfirm(''); notifications.show({ color: 'brand', message: 'Password changed. Your other sessions have ended.' }) },
    })
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Change password">
      <Stack maw={380}>
        {change.error && Object.keys(errors).length === 0 ? <Alert color="red" variant="light" role="alert">{change.error.message}</Alert> : null}
        <PasswordInput label="Current password" autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrent(e.currentTarget.value)} error={errors.currentPassword} />
        <PasswordInput label="New password" description="At least 10 characters" autoComplete="new-password" required value={newPassword} onChange={(e) => setNew(e.currentTarget.value)} error={errors.newPassword} />
        <PasswordInput label="Repeat new password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={mismatch ? 'The passwords differ' : undefined} />
        <Group><Button type="submit" loading={change.isPending}>Change password</Button></Group>
      </Stack>
    </form>
  )
}

function TokensPanel() {
  const tokens = useApiTokens()
  const create = useCreateApiToken()
  const revoke = useRevokeApiToken()
  const [name, setName] = useState('')
  const [secret, setSecret] = useState<string | null>(null)
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  return (
    <Stack>
      <form onSubmit={(e) => { e.preventDefault(); create.mutate(name.trim(), { onSuccess: (r) => { setSecret(r.token); setName('') } }) }} noValidate aria-label="Create an API token">
        <Group align="flex-start" gap="sm">
          <TextInput label="Token name" placeholder="e.g. Spreadsheet sync" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} style={{ flex: '1 1 220px' }} />
          <Button type="submit" mt={25} loading={create.isPending}>Create token</Button>
        </Group>
      </form>
      {secret ? (
        <Alert color="brand" variant="light" title="Your new API token" role="status">
          <Text fz="sm" mb="xs">Copy it now: it is shown only once. Send it as <Code>Authorization: Bearer …</Code>.</Text>
          <Code block data-testid="api-token" style={{ wordBreak: 'break-all' }}>{secret}</Code>
          <Group mt="sm" gap="xs">
            <CopyButton value={secret}>{({ copied, copy }) => <Button size="xs" onClick={copy}>{copied ? 'Copied' : 'Copy token'}</Button>}</CopyButton>
            <Button size="xs" variant="default" onClick={() => setSecret(null)}>Done</Button>
          </Group>
        </Alert>
      ) : null}
      {tokens.isPending ? <PageLoader /> : tokens.isError ? <ErrorNotice error={tokens.error} /> : tokens.data.length === 0 ? <EmptyState title="No API tokens">Tokens let scripts use the API as you.</EmptyState> : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs">
            <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Token</Table.Th><Table.Th>Created</Table.Th><Table.Th>Last used</Table.Th><Table.Th><span className="sr-only">Actions</span></Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {tokens.data.map((t) => (
                <Table.Tr key={t.id} style={{ opacity: t.revokedAt ? 0.55 : 1 }}>
                  <Table.Td><Text fz="sm">{t.name}</Text></Table.Td>
                  <Table.Td><Code>{t.prefix}…</Code></Table.Td>
                  <Table.Td><Text fz="xs" c="dimmed">{formatDate(t.createdAt)}</Text></Table.Td>
                  <Table.Td><Text fz="xs" c="dimmed">{t.lastUsedAt ? formatDate(t.lastUsedAt) : 'never'}</Text></Table.Td>
                  <Table.Td>{t.revokedAt ? <Badge color="gray" variant="light" tt="none">Revoked</Badge> : <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(t.id)}>Revoke</Button>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  )
}

export function SettingsPage() {
  const session = useCurrentSession()
  return (
    <Page title="Settings" subtitle={`${session.user.name} · ${session.user.email} · ${label(ROLE_LABELS, session.user.role)}`} maw={960}>
      <SimpleGrid cols={1} spacing="lg">
        <Section id="password" title="Password">
          <PasswordForm />
        </Section>
        <Section id="time-zone" title="Time zone" description="What today means for your reminders">
          <TimeZonePanel />
        </Section>
        <Section id="digest" title="Weekly digest" description="An e-mail to start the week">
          <DigestPanel />
        </Section>
        <Section id="calendar" title="Calendar feed" description="Moments and planned gives in Outlook or Google Calendar">
          <CalendarFeedPanel />
        </Section>
        <Section id="tokens" title="API tokens" description="For scripts and integrations; each acts as you">
          <TokensPanel />
        </Section>
      </SimpleGrid>
    </Page>
  )
}
