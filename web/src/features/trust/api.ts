import { useQuery } from '@tanstack/react-query'
import { api, isNotFound } from '../../lib/api-client.ts'
import type { AccountTrust, AttentionItem, RelationshipTrust, StakeholderTrust } from '../../lib/types.ts'

// The trust endpoints may not exist on an older server: a 404 becomes null, which pages show as
// "no trust data yet" instead of an error.
async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request
  } catch (err) {
    if (isNotFound(err)) return null
    throw err
  }
}

export function useRelationshipTrust(relationshipId: string | undefined) {
  return useQuery({
    queryKey: ['trust', 'relationship', relationshipId],
    queryFn: () => orNull(api<RelationshipTrust>(`/relationships/${relationshipId}/trust`)),
    enabled: Boolean(relationshipId),
  })
}

export function useStakeholderTrust(stakeholderId: string) {
  return useQuery({ queryKey: ['trust', 'stakeholder', stakeholderId], queryFn: () => orNull(api<StakeholderTrust>(`/stakeholders/${stakeholderId}/trust`)) })
}

export function useAccountTrust(accountId: string) {
  return useQuery({ queryKey: ['trust', 'account', accountId], queryFn: () => orNull(api<AccountTrust>(`/accounts/${accountId}/trust`)) })
}

export function useAttention(scope: 'me' | 'team' | 'org') {
  return useQuery({ queryKey: ['trust', 'attention', scope], queryFn: () => orNull(api<{ items: AttentionItem[] }>('/trust/attention', { query: { scope } })) })
}
