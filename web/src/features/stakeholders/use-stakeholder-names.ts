import { useQueries } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import type { Stakeholder } from '../../lib/types.ts'

/** Stakeholders by id, fetched one by one and cached (shared with the stakeholder page). */
export function useStakeholdersById(ids: string[]): Map<string, Stakeholder> {
  const unique = [...new Set(ids)]
  return useQueries({
    queries: unique.map((id) => ({ queryKey: ['stakeholders', id], queryFn: () => api<Stakeholder>(`/stakeholders/${id}`), staleTime: 60_000 })),
    combine: (results) => new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data] as const] : []))),
  })
}
