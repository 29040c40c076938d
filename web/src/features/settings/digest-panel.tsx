import { Switch, Text } from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ErrorNotice } from '../../components/page.tsx'
import { api } from '../../lib/api-client.ts'

type Digest = { enabled: boolean }

/** The weekly digest e-mail: on by default, one switch to turn it off. */
export function DigestPanel() {
  const queryClient = useQueryClient()
  const digest = useQuery({ queryKey: ['me', 'digest'], queryFn: () => api<Digest>('/me/digest') })
  const update = useMutation({
    mutationFn: (enabled: boolean) => api<Digest>('/me/digest', { method: 'PUT', body: { enabled } }),
    onSuccess: (data) => queryClient.setQueryData(['me', 'digest'], data),
  })
  if (digest.isError) return <ErrorNotice error={digest.error} />
  return (
    <>
      <Switch label="Send me the weekly digest" description="Every Monday: relationships gone cold and commitments due (for managers, their team's too)"
        checked={digest.data?.enabled ?? false} disabled={digest.isPending || update.isPending} onChange={(e) => update.mutate(e.currentTarget.checked)} />
      {update.isError ? <ErrorNotice error={update.error} /> : null}
      {digest.isPending ? <Text fz="xs" c="dimmed">Loading…</Text> : null}
    </>
  )
}
