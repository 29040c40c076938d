import { Alert, Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconPlus } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { ApiError } from '../../lib/api-client.ts'
import { useCurrentSession } from '../auth/api.ts'
import { useCreateRelationship } from '../relationships/api.ts'
import { useUsers } from '../users/api.ts'

/** Make someone (by default you) an owner of the relationship with this stakeholder. */
export function AddOwnerButton({ stakeholderId, existing }: { stakeholderId: string; existing: string[] }) {
  const session = useCurrentSession()
  const [opened, { open, close }] = useDisclosure(false)
  const users = useUsers()
  const create = useCreateRelationship()
  const [userId, setUserId] = useState<string | null>(session.user.id)
  const [importance, setImportance] = useState<number | string>(3)
  const [cadence, setCadence] = useState<number | string>(30)
  const [target, setTarget] = useState<number | string>(70)
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate({ stakeholderId, userId: userId ?? undefined, importance: Number(importance), cadenceDays: Number(cadence), targetStrength: Number(target) }, { onSuccess: close })
  }
  return (
    <>
      <Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} onClick={() => { create.reset(); open() }}>Add owner</Button>
      <Modal opened={opened} onClose={close} title="Add a relationship owner">
        <form onSubmit={submit} noValidate>
          <Stack>
            {create.error && Object.keys(errors).length === 0 ? <Alert color="red" variant="light" role="alert">{create.error.message}</Alert> : null}
            <Select label="Owner" data={(users.data ?? []).filter((u) => !existing.includes(u.id)).map((u) => ({ value: u.id, label: u.name }))} value={userId} onChange={setUserId} searchable error={errors.userId} />
            <SimpleGrid cols={3}>
              <NumberInput label="Importance" min={1} max={5} value={importance} onChange={setImportance} error={errors.importance} />
              <NumberInput label="Cadence (days)" min={1} max={365} value={cadence} onChange={setCadence} error={errors.cadenceDays} />
              <NumberInput label="Target trust" min={0} max={100} value={target} onChange={setTarget} error={errors.targetStrength} />
            </SimpleGrid>
            <Group justify="flex-end"><Button variant="default" onClick={close}>Cancel</Button><Button type="submit" loading={create.isPending}>Add owner</Button></Group>
          </Stack>
        </form>
      </Modal>
    </>
  )
}
