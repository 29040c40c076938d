import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../lib/api-client.ts'
import type { CreateReviewBody, Review, ReviewPrep } from '../../../../src/domain/reviews/schema.ts'

export type { Review, ReviewPrep }

export function useReviewPrep(reportId: string | null) {
  return useQuery({ queryKey: ['reviews', 'prep', reportId], queryFn: () => api<ReviewPrep>(`/reviews/prep/${reportId}`), enabled: Boolean(reportId) })
}
export function useReviews(reportId: string | null) {
  return useQuery({ queryKey: ['reviews', 'list', reportId], queryFn: () => api<{ items: Review[] }>('/reviews', { query: { reportId } }).then((r) => r.items), enabled: Boolean(reportId) })
}
export function useCreateReview() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateReviewBody) => api<Review>('/reviews', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['reviews'] }),
  })
}
