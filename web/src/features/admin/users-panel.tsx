import { Badge, Button, Group, Select, Switch, Table, Text } from '@mantine/core'
import { modals } from '@mantine/modals'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { ErrorNotice, PageLoader } from '../../components/page.tsx'
import { formatDate, options, ROLE_LABELS } from '../../lib/format.ts'
import type { Role, User } from '../../lib/types.ts'
import { useCurrentSession } from '../auth/api.ts'
import { useArchiveUser, useUpdateUser, useUsers } from '../users/api.ts'

function UserRow({ user, managers, isSelf }: { user: User; managers: User[]; isSelf: boolean }) {
  const update = useUpdateUser()
  const archive = useArchiveUser()
  const onError = (err: Error) => notifications.show({ color: 'red', title: 'Could not save', message: err.message })
  const confirmArchive = () => modals.openConfirmModal({
    title: `Deactivate ${user.name}?`,
    children: <Text fz="sm">Their sessions end and their API tokens are revoked. Their records and history stay.</Text>,
    labels: { confirm: 'Deactivate', cancel: 'Cancel' },
    confirmProps: { color: 'red' },
    onConfirm: () => archive.mutate(user.id, { onError }),
  })
  const archived = user.archivedAt !== null
  return (
    <Table.Tr style={{ opacity: archived ? 0.55 : 1 }}>
      <Table.Td><Text fz="sm" fw={500}>{user.name}{isSelf ? ' (you)' : ''}</Text><Text fz="xs" c="dimmed">{user.email}</Text></Table.Td>
      <Table.Td>
        <Select aria-label={`Role of ${user.name}`} size="xs" w={130} data={options(ROLE_LABELS)} value={user.role} allowDeselect={false} disabled={archived || isSelf}
          onChange={(v) => v && update.mutate({ id: user.id, role: v as Role }, { onError })} />
      </Table.Td>
      <Table.Td>
        <Select aria-label={`Manager of ${user.name}`} size="xs" w={180} placeholder="No manager" clearable searchable disabled={archived}
          data={managers.filter((m) => m.id !== user.id).map((m) => ({ value: m.id, label: m.name }))} value={user.managerId}
          onChange={(v) => update.mutate({ id: user.id, managerId: v }, { onError })} />
      </Table.Td>
      <Table.Td><Text fz="xs" c="dimmed">{formatDate(user.createdAt)}</Text></Table.Td>
      <Table.Td>
        {archived ? <Badge color="gray" variant="light" tt="none">Deactivated</Badge> : isSelf ? null : (
          <Button size="xs" variant="subtle" color="red" onClick={confirmArchive} loading={archive.isPending}>Deactivate</Button>
        )}
      </Table.Td>
    </Table.Tr>
  )
}

export function UsersPanel() {
  const session = useCurrentSession()
  const [showArchived, setShowArchived] = useState(false)
  const users = useUsers({ includeArchived: showArchived })
  if (users.isPending) return <PageLoader />
  if (users.isError) return <ErrorNotice error={users.error} />
  const active = users.data.filter((u) => u.archivedAt === null)
  return (
    <div className="tend-card" style={{ padding: 16 }}>
      <Group justify="space-between" mb="sm">
        <Text fz="sm" c="dimmed">{active.length} active users</Text>
        <Switch label="Show deactivated" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} size="sm" />
      </Group>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs">
          <Table.Thead><Table.Tr><Table.Th>User</Table.Th><Table.Th>Role</Table.Th><Table.Th>Manager</Table.Th><Table.Th>Joined</Table.Th><Table.Th><span className="sr-only">Actions</span></Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {users.data.map((u) => <UserRow key={u.id} user={u} managers={active} isSelf={u.id === session.user.id} />)}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  )
}
