import { useQuery } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'

export type Connection = {
  userId: string
  name: string
  email: string
  relationshipId: string | null
  strength: number
  state: 'warming' | 'steady' | 'cooling' | 'cold'
  experienceCount: number
  experienceKinds: Record<string, number>
  lastContactAt: string | null
}

/** Our people who know a stakeholder, best first (GET /stakeholders/:id/connections). */
export function useConnections(stakeholderId: string) {
  return useQuery({
    queryKey: ['stakeholders', stakeholderId, 'connections'],
    queryFn: () => api<{ stakeholderId: string; stakeholderName: string; people: Connection[] }>(`/stakeholders/${stakeholderId}/connections`),
    enabled: Boolean(stakeholderId),
  })
}
