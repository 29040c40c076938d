import { useMutation, useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { api } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'
import type { Invitation, Role, User } from '../../lib/types.ts'

export function useUsers(options: { subtreeOf?: string; includeArchived?: boolean } = {}) {
  return useQuery({
    queryKey: ['users', options],
    queryFn: () => api<{ items: User[] }>('/users', { query: options }).then((r) => r.items),
    staleTime: 5 * 60_000,
  })
}

/** id → user, for showing owners' names beside relationships and accounts. */
export function useUserMap() {
  const { data } = useUsers({ includeArchived: true })
  return useMemo(() => new Map((data ?? []).map((u) => [u.id, u])), [data])
}

const refreshUsers = () => queryClient.invalidateQueries({ queryKey: ['users'] })

export function useUpdateUser() {
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; managerId?: string | null; name?: string }) => api<User>(`/users/${id}`, { method: 'PATCH', body }),
    onSuccess: refreshUsers,
  })
}

export function useArchiveUser() {
  return useMutation({ mutationFn: (id: string) => api<User>(`/users/${id}/archive`, { method: 'POST' }), onSuccess: refreshUsers })
}

export function useInvitations() {
  return useQuery({ queryKey: ['invitations'], queryFn: () => api<{ items: Invitation[] }>('/invitations').then((r) => r.items) })
}

export function useCreateInvitation() {
  return useMutation({
    mutationFn: (body: { email: string; role: Role; managerId?: string | null }) => api<{ invitation: Invitation; token: string; url: string }>('/invitations', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invitations'] }),
  })
}

export function useRevokeInvitation() {
  return useMutation({ mutationFn: (id: string) => api<Invitation>(`/invitations/${id}`, { method: 'DELETE' }), onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invitations'] }) })
}
