import { useInfiniteQuery, useMutation } from '@tanstack/react-query'
import { api, type Page } from '../../lib/api-client.ts'
import { invalidateRecords } from '../../lib/query-client.ts'
import type { Depth, Direction, Experience, ExperienceKind, Initiator } from '../../lib/types.ts'

export function useExperiences(query: { stakeholderId?: string; accountId?: string; userId?: string }, pageSize = 25) {
  return useInfiniteQuery({
    queryKey: ['experiences', query, pageSize],
    queryFn: ({ pageParam }) => api<Page<Experience>>('/experiences', { query: { ...query, limit: pageSize, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

export type NewExperience = {
  occurredAt: string
  kind: ExperienceKind
  valence: number | null
  direction: Direction
  initiator: Initiator
  depth: Depth
  title: string | null
  notes: string | null
  stakeholderIds: string[]
}

export function useLogExperience() {
  return useMutation({
    mutationFn: (body: NewExperience) => api<Experience>('/experiences', { method: 'POST', body }),
    // Trust, timelines, Today and the account lists all move with a new experience.
    onSuccess: invalidateRecords,
  })
}
