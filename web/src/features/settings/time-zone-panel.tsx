import { Alert, Button, Group, Select, Stack, Text } from '@mantine/core'
import { useMutation } from '@tanstack/react-query'
import { useMemo } from 'react'
import { ErrorNotice } from '../../components/page.tsx'
import { api } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'
import type { Session, User } from '../../lib/types.ts'
import { useCurrentSession } from '../auth/api.ts'

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

/** Every zone this browser knows, UTC first. */
function zones(): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return ['UTC', ...known.filter((z) => z !== 'UTC')]
}

/** My time zone: what "today" means for my reminders, overdue gives and upcoming moments. */
export function TimeZonePanel() {
  const session = useCurrentSession()
  const current = session.user.timeZone
  const browser = browserTimeZone()
  const data = useMemo(() => {
    const all = zones()
    return all.includes(current) ? all : [current, ...all]
  }, [current])
  const update = useMutation({
    mutationFn: (timeZone: string) => api<User>('/me', { method: 'PATCH', body: { timeZone } }),
    onSuccess: async (user) => {
      queryClient.setQueryData<Session | null>(['session'], (s) => (s ? { ...s, user } : s))
      await queryClient.invalidateQueries({ queryKey: ['moments'] })
      await queryClient.invalidateQueries({ queryKey: ['plans'] })
    },
  })
  return (
    <Stack maw={460} gap="sm">
      <Select label="Time zone" description="Reminders arrive from 08:00 on their day in this zone; Today counts days in it" data={data} value={current}
        searchable allowDeselect={false} nothingFoundMessage="No such time zone" disabled={update.isPending} onChange={(v) => v && v !== current && update.mutate(v)} comboboxProps={{ withinPortal: true }} />
      {browser !== current ? (
        <Alert variant="light" color="yellow" role="status">
          <Group justify="space-between" gap="xs">
            <Text fz="sm">This browser is in <b>{browser}</b>.</Text>
            <Button size="xs" variant="light" loading={update.isPending} onClick={() => update.mutate(browser)}>Use {browser}</Button>
          </Group>
        </Alert>
      ) : null}
      {update.isError ? <ErrorNotice error={update.error} /> : null}
    </Stack>
  )
}
