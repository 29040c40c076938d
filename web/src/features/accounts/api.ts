import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query'
import { api, type Page } from '../../lib/api-client.ts'
import { invalidateRecords } from '../../lib/query-client.ts'
import type { Account, AccountOverview, AccountTrustSummary } from '../../lib/types.ts'

/** Accounts as the list shows them: the trust summary arrives with the trust engine. */
export type AccountWithTrust = Account & { trust?: AccountTrustSummary | null }

export type AccountFilters = { q?: string; tier?: string; status?: string; ownerId?: string; sort?: string }

export const ACCOUNT_PAGE_SIZE = 100

export function useAccountList(filters: AccountFilters) {
  return useInfiniteQuery({
    queryKey: ['accounts', 'list', filters],
    queryFn: ({ pageParam, signal }) => api<Page<AccountWithTrust>>('/accounts', { query: { ...filters, limit: ACCOUNT_PAGE_SIZE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  })
}

export function useAccountOverview(accountId: string) {
  return useQuery({
    queryKey: ['accounts', 'overview', accountId],
    queryFn: () => api<AccountOverview & { account: AccountWithTrust }>(`/accounts/${accountId}/overview`),
  })
}

export function useUpdateAccount(accountId: string) {
  return useMutation({
    mutationFn: (body: Partial<Pick<Account, 'name' | 'tier' | 'status' | 'ownerId' | 'industry' | 'notes' | 'domains'>>) => api<Account>(`/accounts/${accountId}`, { method: 'PATCH', body }),
    onSuccess: invalidateRecords,
  })
}

export function useCreateAccount() {
  return useMutation({
    mutationFn: (body: Partial<Pick<Account, 'tier' | 'status' | 'ownerId' | 'industry' | 'domains'>> & { name: string }) => api<Account>('/accounts', { method: 'POST', body }),
    onSuccess: invalidateRecords,
  })
}
