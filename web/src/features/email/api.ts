import { useMutation, useQuery } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'

export type SuggestedPerson = { address: string; name: string | null; messages: number; lastAt: string }
export type SuggestedDomain = { domain: string; accountId: string | null; accountName: string | null; messages: number; people: SuggestedPerson[] }
export type AcceptResult = { stakeholderIds: string[]; stakeholdersCreated: number; accountsCreated: number; alreadyKnown: string[]; experiencesCreated: number }

/** Frequent correspondents in captured mail who are not stakeholders yet, by domain. */
export function useSuggestions(minMessages: number) {
  return useQuery({
    queryKey: ['email-suggestions', minMessages],
    queryFn: () => api<{ domains: SuggestedDomain[] }>('/email/suggestions', { query: { minMessages } }).then((r) => r.domains),
  })
}

export function useAcceptSuggestions() {
  return useMutation({
    mutationFn: (people: { address: string; name?: string }[]) => api<AcceptResult>('/email/suggestions/accept', { method: 'POST', body: { people } }),
    onSuccess: () => Promise.all(['email-suggestions', 'stakeholders', 'accounts'].map((key) => queryClient.invalidateQueries({ queryKey: [key] }))),
  })
}
