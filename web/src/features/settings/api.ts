import { useMutation, useQuery } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'

export type ApiToken = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

export function useApiTokens() {
  return useQuery({ queryKey: ['tokens'], queryFn: () => api<{ items: ApiToken[] }>('/tokens').then((r) => r.items) })
}

const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens'] })

export function useCreateApiToken() {
  return useMutation({ mutationFn: (name: string) => api<{ token: string; apiToken: ApiToken }>('/tokens', { method: 'POST', body: { name } }), onSuccess: refresh })
}

export function useRevokeApiToken() {
  return useMutation({ mutationFn: (id: string) => api<ApiToken>(`/tokens/${id}`, { method: 'DELETE' }), onSuccess: refresh })
}
