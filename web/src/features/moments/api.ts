import { useMutation, useQuery } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import { invalidateRecords, queryClient } from '../../lib/query-client.ts'

export const MOMENT_KIND_LABELS: Record<string, string> = {
  birthday: 'Birthday', wedding: 'Wedding', graduation: 'Graduation', new_job: 'New job', promotion: 'Promotion', company_anniversary: 'Company anniversary', custom: 'Other',
}
export const RELATION_LABELS: Record<string, string> = {
  spouse: 'Spouse', partner: 'Partner', child: 'Child', parent: 'Parent', sibling: 'Sibling', assistant: 'Assistant', friend: 'Friend', other: 'Other',
}

export type Moment = {
  id: string; stakeholderId: string; closePersonId: string | null; kind: string; title: string | null; onDate: string; recurrence: 'once' | 'yearly'; leadDays: number; notes: string | null
}
export type ClosePerson = { id: string; stakeholderId: string; name: string; relation: string; notes: string | null }
export type Occurrence = {
  momentId: string; occursOn: string; daysUntil: number; remindOn: string; years: number | null; kind: string; title: string
  stakeholderId: string; stakeholderName: string; accountName: string | null; closePersonName: string | null; relation: string | null; gestures: string[]; actedUpon: boolean
}
export type FeedInfo = { isActive: boolean; tokenPrefix: string | null; createdAt: string | null; lastUsedAt: string | null }

export function useUpcomingMoments(days = 30) {
  return useQuery({ queryKey: ['moments', 'upcoming', days], queryFn: () => api<Occurrence[]>('/moments/upcoming', { query: { days } }) })
}

export function useMoments(stakeholderId: string) {
  return useQuery({ queryKey: ['moments', 'of', stakeholderId], queryFn: () => api<Moment[]>(`/stakeholders/${stakeholderId}/moments`) })
}

export function useClosePeople(stakeholderId: string) {
  return useQuery({ queryKey: ['moments', 'people', stakeholderId], queryFn: () => api<ClosePerson[]>(`/stakeholders/${stakeholderId}/close-people`) })
}

const refreshMoments = () => queryClient.invalidateQueries({ queryKey: ['moments'] })

export function useCreateMoment(stakeholderId: string) {
  return useMutation({
    mutationFn: (body: { kind: string; onDate: string; recurrence: string; title?: string | null; leadDays?: number; closePersonId?: string | null; notes?: string | null }) =>
      api<Moment>(`/stakeholders/${stakeholderId}/moments`, { method: 'POST', body }),
    onSuccess: refreshMoments,
  })
}

export function useDeleteMoment() {
  return useMutation({ mutationFn: (id: string) => api<void>(`/moments/${id}`, { method: 'DELETE' }), onSuccess: refreshMoments })
}

export function useCreateClosePerson(stakeholderId: string) {
  return useMutation({
    mutationFn: (body: { name: string; relation: string; notes?: string | null }) => api<ClosePerson>(`/stakeholders/${stakeholderId}/close-people`, { method: 'POST', body }),
    onSuccess: refreshMoments,
  })
}

export function useActOnMoment() {
  return useMutation({
    mutationFn: ({ momentId, occursOn, gesture }: { momentId: string; occursOn: string; gesture?: string }) =>
      api<unknown>(`/moments/${momentId}/acted`, { method: 'POST', body: { occursOn, ...(gesture ? { gesture } : {}) } }),
    onSuccess: () => { void refreshMoments(); void invalidateRecords() },
  })
}

export function useCalendarFeed() {
  return useQuery({ queryKey: ['calendar-feed'], queryFn: () => api<FeedInfo>('/me/calendar-feed') })
}

const refreshFeed = () => queryClient.invalidateQueries({ queryKey: ['calendar-feed'] })

export function useCreateCalendarFeed() {
  return useMutation({ mutationFn: () => api<{ url: string; token: string }>('/me/calendar-feed', { method: 'POST' }), onSuccess: refreshFeed })
}

export function useRevokeCalendarFeed() {
  return useMutation({ mutationFn: () => api<void>('/me/calendar-feed', { method: 'DELETE' }), onSuccess: refreshFeed })
}
