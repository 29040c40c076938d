import { Alert, Badge, Button, Code, CopyButton, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import { EmptyState, ErrorNotice, PageLoader } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate, label, options, ROLE_LABELS } from '../../lib/format.ts'
import type { Invitation, Role } from '../../lib/types.ts'
import { useCreateInvitation, useInvitations, useRevokeInvitation, useUsers } from '../users/api.ts'

function statusOf(i: Invitation): { text: string; color: string } {
  if (i.acceptedAt) return { text: 'Accepted', color: 'green' }
  if (i.revokedAt) return { text: 'Revoked', color: 'gray' }
  if (new Date(i.expiresAt) < new Date()) return { text: 'Expired', color: 'gray' }
  return { text: 'Pending', color: 'blue' }
}

/** The invitation link is shown once, right after it is made: the server keeps only its hash. */
function CreatedLink({ url, email, onDone }: { url: string; email: string; onDone: () => void }) {
  return (
    <Alert color="brand" variant="light" title={`Invitation for ${email}`} role="status">
      <Text fz="sm" mb="xs">Send this link to them. It is shown only once and works for 7 days.</Text>
      <Code block data-testid="invitation-link" style={{ wordBreak: 'break-all' }}>{url}</Code>
      <Group mt="sm" gap="xs">
        <CopyButton value={url}>{({ copied, copy }) => <Button size="xs" onClick={copy}>{copied ? 'Copied' : 'Copy link'}</Button>}</CopyButton>
        <Button size="xs" variant="default" onClick={onDone}>Done</Button>
      </Group>
    </Alert>
  )
}

export function InvitationsPanel() {
  const invitations = useInvitations()
  const users = useUsers()
  const create = useCreateInvitation()
  const revoke = useRevokeInvitation()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('rep')
  const [managerId, setManagerId] = useState<string | null>(null)
  const [created, setCreated] = useState<{ url: string; email: string } | null>(null)
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate({ email: email.trim(), role, managerId }, {
      onSuccess: (r) => { setCreated({ url: r.url, email: r.invitation.email }); setEmail('') },
    })
  }
  return (
    <Stack gap="lg">
      <div className="tend-card" style={{ padding: 16 }}>
        <Text fw={600} mb="sm" component="h2" fz="md">Invite someone</Text>
        <form onSubmit={submit} noValidate aria-label="Invite someone">
          <Group align="flex-start" gap="sm" wrap="wrap">
            <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} style={{ flex: '1 1 240px' }} />
            <Select label="Role" data={options(ROLE_LABELS)} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} w={140} error={errors.role} />
            <Select label="Manager" placeholder="None" data={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} value={managerId} onChange={setManagerId} clearable searchable w={200} error={errors.managerId} />
            <Button type="submit" mt={25} loading={create.isPending}>Create invitation</Button>
          </Group>
          {create.error && Object.keys(errors).length === 0 ? <Alert color="red" variant="light" mt="sm" role="alert">{create.error.message}</Alert> : null}
        </form>
        {created ? <div style={{ marginTop: 16 }}><CreatedLink url={created.url} email={created.email} onDone={() => setCreated(null)} /></div> : null}
      </div>
      <div className="tend-card" style={{ padding: 16 }}>
        {invitations.isPending ? <PageLoader /> : invitations.isError ? <ErrorNotice error={invitations.error} /> : invitations.data.length === 0 ? <EmptyState title="No invitations yet" /> : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs">
              <Table.Thead><Table.Tr><Table.Th>Email</Table.Th><Table.Th>Role</Table.Th><Table.Th>Status</Table.Th><Table.Th>Expires</Table.Th><Table.Th><span className="sr-only">Actions</span></Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {invitations.data.map((i) => {
                  const status = statusOf(i)
                  return (
                    <Table.Tr key={i.id}>
                      <Table.Td><Text fz="sm">{i.email}</Text></Table.Td>
                      <Table.Td><Text fz="sm">{label(ROLE_LABELS, i.role)}</Text></Table.Td>
                      <Table.Td><Badge color={status.color} variant="light" tt="none">{status.text}</Badge></Table.Td>
                      <Table.Td><Text fz="xs" c="dimmed">{formatDate(i.expiresAt)}</Text></Table.Td>
                      <Table.Td>{status.text === 'Pending' ? <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(i.id)}>Revoke</Button> : null}</Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </div>
    </Stack>
  )
}
