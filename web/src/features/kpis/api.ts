import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { Static } from 'typebox'
import { api, withQuery, type Query } from '../../lib/api-client.ts'
import type { BreakdownSchema, KpiPoint, RoiSchema, SeriesSchema } from '../../../../src/domain/kpis/schema.ts'
import type { OutcomesReport } from '../../../../src/domain/outcomes/schema.ts'
import type { Programme, ProgressSchema } from '../../../../src/domain/programmes/schema.ts'

export type { KpiPoint, OutcomesReport, Programme }
export type Series = Static<typeof SeriesSchema>
export type Breakdown = Static<typeof BreakdownSchema>
export type Roi = Static<typeof RoiSchema>
export type Progress = Static<typeof ProgressSchema>
export type Scope = { scope: 'org' | 'team' | 'user' | 'tier'; id?: string | undefined }

/** The URL of a table's CSV export: the same endpoint with format=csv (the session cookie goes along). */
export const csvUrl = (path: string, query: Query = {}) => withQuery(`/api/v1${path}`, { ...query, format: 'csv' })

export function useSeries(scope: Scope) {
  return useQuery({ queryKey: ['kpis', 'series', scope], queryFn: () => api<Series>('/kpis/series', { query: { scope: scope.scope, id: scope.id } }) })
}
export function useBreakdown(by: 'team' | 'user' | 'tier' | 'account', enabled = true) {
  return useQuery({ queryKey: ['kpis', 'breakdown', by], queryFn: () => api<Breakdown>('/kpis/breakdown', { query: { by } }), enabled })
}
export function useRoi(months: number) {
  return useQuery({ queryKey: ['kpis', 'roi', months], queryFn: () => api<Roi>('/kpis/roi', { query: { months } }) })
}
export function useOutcomes(from: string, to: string) {
  return useQuery({ queryKey: ['outcomes', from, to], queryFn: () => api<OutcomesReport>('/outcomes', { query: { from, to } }) })
}
export function useProgrammes() {
  return useQuery({ queryKey: ['programmes'], queryFn: () => api<{ items: Programme[] }>('/programmes').then((r) => r.items) })
}
export function useProgress(id: string | null) {
  return useQuery({ queryKey: ['programmes', id, 'progress'], queryFn: () => api<Progress>(`/programmes/${id}/progress`), enabled: Boolean(id) })
}
export function useRebuild() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: () => api<{ weeks: number; rows: number }>('/kpis/snapshots/rebuild', { method: 'POST', body: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['kpis'] }),
  })
}

/** "USD 1,200 · EUR 80": each currency apart, never added together. */
export function formatMoney(money: Record<string, number> | undefined): string {
  const entries = Object.entries(money ?? {}).filter(([, a]) => a !== 0).sort(([a], [b]) => a.localeCompare(b))
  if (entries.length === 0) return '—'
  return entries.map(([c, a]) => new Intl.NumberFormat('en', { style: 'currency', currency: c, maximumFractionDigits: 0 }).format(a)).join(' · ')
}
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`)
