import { useMutation, useQuery } from '@tanstack/react-query'
import { api, type Page } from '../../lib/api-client.ts'
import { invalidateRecords } from '../../lib/query-client.ts'
import type { Relationship, TrustSummary } from '../../lib/types.ts'

/** Relationships carry a trust summary once the trust engine has scored them. */
export type RelationshipWithTrust = Relationship & { trust?: TrustSummary | null }

export function useRelationships(query: { stakeholderId?: string; accountId?: string; userId?: string; subtreeOf?: string }, enabled = true) {
  return useQuery({
    queryKey: ['relationships', query],
    queryFn: () => api<Page<RelationshipWithTrust>>('/relationships', { query: { ...query, limit: 1000 } }).then((r) => r.items),
    enabled,
  })
}

export function useCreateRelationship() {
  return useMutation({
    mutationFn: (body: { stakeholderId: string; userId?: string; importance?: number; cadenceDays?: number; targetStrength?: number }) => api<Relationship>('/relationships', { method: 'POST', body }),
    onSuccess: invalidateRecords,
  })
}
