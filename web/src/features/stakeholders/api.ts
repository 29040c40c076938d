import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { api, type Page } from '../../lib/api-client.ts'
import { invalidateRecords } from '../../lib/query-client.ts'
import type { Stakeholder } from '../../lib/types.ts'

export function useStakeholder(stakeholderId: string) {
  return useQuery({ queryKey: ['stakeholders', stakeholderId], queryFn: () => api<Stakeholder>(`/stakeholders/${stakeholderId}`), enabled: Boolean(stakeholderId) })
}

/** Search-as-you-type over name, email, title and company. */
export function useStakeholderSearch(q: string, limit = 8) {
  const term = q.trim()
  return useQuery({
    queryKey: ['stakeholders', 'search', term, limit],
    queryFn: async ({ signal }): Promise<Stakeholder[]> => (await api<Page<Stakeholder>>('/stakeholders', { query: { q: term, limit }, signal })).items,
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  })
}

export type StakeholderPatch = Partial<Pick<Stakeholder, 'name' | 'title' | 'influence' | 'attitude' | 'goals' | 'pains' | 'interests' | 'personalNotes' | 'hasConsent' | 'reportsToId' | 'accountId' | 'emails' | 'phones'>>

export function useUpdateStakeholder(stakeholderId: string) {
  return useMutation({
    mutationFn: (body: StakeholderPatch) => api<Stakeholder>(`/stakeholders/${stakeholderId}`, { method: 'PATCH', body }),
    onSuccess: invalidateRecords,
  })
}

export function useCreateStakeholder() {
  return useMutation({
    mutationFn: (body: StakeholderPatch & { name: string }) => api<Stakeholder>('/stakeholders', { method: 'POST', body }),
    onSuccess: invalidateRecords,
  })
}
