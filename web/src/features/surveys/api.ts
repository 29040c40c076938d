import { useMutation, useQuery } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'
import type { FollowUp, Recipient, Survey, SurveyResponse } from '../../../../src/domain/surveys/schema.ts'
import type { Results, Stats } from '../../../../src/domain/surveys/results.ts'
import type { QuestionSummary } from '../../../../src/domain/surveys/questions.ts'

export type { FollowUp, QuestionSummary, Recipient, Results, Stats, Survey, SurveyResponse }
export type SurveyResults = Results & { questions: QuestionSummary[] }
export type SurveyKind = Survey['kind']

const refresh = () => queryClient.invalidateQueries({ predicate: (q) => ['surveys', 'follow-ups', 'experiences', 'trust'].includes(String(q.queryKey[0])) })

export function useSurveys() {
  return useQuery({ queryKey: ['surveys', 'list'], queryFn: () => api<{ items: Survey[] }>('/surveys', { query: { includeClosed: true } }) })
}

export function useSurvey(id: string) {
  return useQuery({ queryKey: ['surveys', id], queryFn: () => api<Survey>(`/surveys/${id}`) })
}

export function useSurveyResults(id: string, period: string) {
  return useQuery({ queryKey: ['surveys', id, 'results', period], queryFn: () => api<SurveyResults>(`/surveys/${id}/results`, { query: { period } }) })
}

export function useSurveyResponses(id: string, enabled: boolean) {
  return useQuery({ queryKey: ['surveys', id, 'responses'], enabled, queryFn: () => api<{ items: SurveyResponse[]; hidden: boolean }>(`/surveys/${id}/responses`) })
}

export function useRecipients(id: string, enabled: boolean) {
  return useQuery({ queryKey: ['surveys', id, 'recipients'], enabled, queryFn: () => api<{ items: Recipient[] }>(`/surveys/${id}/recipients`) })
}

export function useCreateSurvey() {
  return useMutation({
    mutationFn: (body: { name: string; kind: SurveyKind; question?: string; intro?: string | null; reminderDays?: number | null }) => api<Survey>('/surveys', { method: 'POST', body }),
    onSuccess: refresh,
  })
}

export function useSendSurvey(id: string) {
  return useMutation({
    mutationFn: (body: { stakeholderIds?: string[]; userIds?: string[] }) => api<{ added: Recipient[]; alreadyInvited: string[]; withoutEmail: string[] }>(`/surveys/${id}/send`, { method: 'POST', body }),
    onSuccess: refresh,
  })
}

export function useCreateLink(surveyId: string) {
  return useMutation({ mutationFn: (recipientId: string) => api<{ url: string; expiresAt: string }>(`/surveys/${surveyId}/recipients/${recipientId}/link`, { method: 'POST' }) })
}

export function useCloseSurvey(id: string) {
  return useMutation({ mutationFn: () => api<Survey>(`/surveys/${id}/close`, { method: 'POST' }), onSuccess: refresh })
}

export function useFollowUps(query: { ownerId?: string; subtreeOf?: string; accountId?: string; status?: 'open' | 'closed' }) {
  return useQuery({ queryKey: ['follow-ups', query], queryFn: () => api<{ items: FollowUp[] }>('/follow-ups', { query }) })
}

export function useCloseFollowUp() {
  return useMutation({
    mutationFn: ({ id, resolution }: { id: string; resolution: string }) => api<FollowUp>(`/follow-ups/${id}/close`, { method: 'POST', body: { resolution } }),
    onSuccess: refresh,
  })
}

export const KIND_NAMES: Record<SurveyKind, string> = { nps: 'NPS', csat: 'CSAT', esat: 'ESAT (staff)', custom: 'Custom' }

/** "NPS 32 (95 % CI −5 to 61, n = 12)" pieces for one group of answers. */
export function formatScore(kind: SurveyKind, stats: Stats): string {
  if (stats.basis === 'suppressed') return 'Hidden (< 5 answers)'
  if (stats.score === null) return '—'
  return kind === 'nps' ? `${Math.round(stats.score)}` : `${Math.round(stats.score)} %`
}

export function formatInterval(stats: Stats): string {
  if (!stats.ci) return stats.basis === 'suppressed' ? 'kept anonymous' : 'no answers yet'
  const range = `${Math.round(stats.ci.low)} to ${Math.round(stats.ci.high)}`
  return stats.basis === 'single_answer' ? `single answer: 95 % CI ${range}` : `95 % CI ${range}`
}
