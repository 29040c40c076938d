import { useMutation, useQuery } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import { invalidateRecords, queryClient } from '../../lib/query-client.ts'

export const ACTIVITY_KIND_LABELS: Record<string, string> = { introduction: 'Introduction', insight: 'Insight', help: 'Help', invitation: 'Invitation', event: 'Event', custom: 'Other' }

export type Activity = {
  id: string; planId: string; kind: string; title: string; notes: string | null; ownerId: string; ownerName: string; dueOn: string | null
  status: 'planned' | 'done' | 'cancelled'; isOverdue: boolean; doneAt: string | null; experienceId: string | null
}
export type Balance = { since: string; weGave: number; weAsked: number; mutual: number; theyGave: number; giveShare: number | null; stance: 'giving' | 'balanced' | 'taking' | 'none' }
export type Plan = {
  id: string; accountId: string | null; stakeholderId: string | null; subjectName: string; title: string; objectives: string[]; ownerId: string
  activities: Activity[]; balance: Balance; archivedAt: string | null
}
export type OverdueActivity = Activity & { planTitle: string; subjectName: string; accountId: string | null; stakeholderId: string | null; daysOverdue: number }
export type Question = { id: string; text: string; isReversed: boolean; isBuiltIn: boolean }
export type SelfCheckSummary = {
  questions: Question[]; items: { id: string; takenAt: string; score: number; trustScore: number | null }[]; latestScore: number | null
  trend: 'improving' | 'declining' | 'steady' | null; trustScore: number | null; gap: number | null; verdict: 'in_line' | 'we_overrate' | 'we_underrate' | null; nextDueOn: string | null; isDue: boolean
}

export type PlanSubject = { accountId: string } | { stakeholderId: string }

export function usePlans(subject: PlanSubject) {
  return useQuery({ queryKey: ['plans', subject], queryFn: () => api<Plan[]>('/plans', { query: subject }) })
}

const refresh = () => { void queryClient.invalidateQueries({ queryKey: ['plans'] }); void invalidateRecords() }

export function useCreatePlan() {
  return useMutation({ mutationFn: (body: PlanSubject & { title: string; objectives: string[] }) => api<Plan>('/plans', { method: 'POST', body }), onSuccess: refresh })
}

export function useAddActivity(planId: string) {
  return useMutation({ mutationFn: (body: { kind: string; title: string; dueOn: string | null }) => api<Activity>(`/plans/${planId}/activities`, { method: 'POST', body }), onSuccess: refresh })
}

export function useCompleteActivity() {
  return useMutation({ mutationFn: ({ id, stakeholderIds }: { id: string; stakeholderIds?: string[] }) => api<Activity>(`/plan-activities/${id}/done`, { method: 'POST', body: stakeholderIds ? { stakeholderIds } : {} }), onSuccess: refresh })
}

export function useOverdueActivities(scope: 'me' | 'team') {
  return useQuery({ queryKey: ['plans', 'overdue', scope], queryFn: () => api<OverdueActivity[]>('/plan-activities/overdue', { query: { scope } }) })
}

export function useSelfChecks(accountId: string) {
  return useQuery({ queryKey: ['plans', 'self-checks', accountId], queryFn: () => api<SelfCheckSummary>(`/accounts/${accountId}/self-checks`) })
}

export function useSubmitSelfCheck(accountId: string) {
  return useMutation({ mutationFn: (answers: { questionId: string; value: number }[]) => api<unknown>(`/accounts/${accountId}/self-checks`, { method: 'POST', body: { answers } }), onSuccess: refresh })
}
