import { useMutation, useQuery } from '@tanstack/react-query'
import { api, ApiError, setCsrfToken } from '../../lib/api-client.ts'
import { queryClient } from '../../lib/query-client.ts'
import type { Role, Session, User } from '../../lib/types.ts'

/** The signed-in session, or null when nobody is signed in. Keeps the CSRF token for writes. */
async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api<Session>('/session', { quietUnauthorized: true })
    setCsrfToken(session.csrfToken)
    return session
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null
    throw err
  }
}

export function useSession() {
  return useQuery({ queryKey: ['session'], queryFn: fetchSession, staleTime: Infinity })
}

/** The session of a page behind the sign-in gate (the gate guarantees it is there). */
export function useCurrentSession(): Session {
  const { data } = useSession()
  if (!data) throw new Error('useCurrentSession outside the signed-in layout')
  return data
}

export function hasRole(session: Session, ...roles: Role[]) {
  return roles.includes(session.user.role)
}

export function signedOut() {
  setCsrfToken(null)
  queryClient.clear()
  queryClient.setQueryData(['session'], null)
}

export function useLogin() {
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => api<Session>('/session', { method: 'POST', body, quietUnauthorized: true }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken)
      queryClient.setQueryData(['session'], session)
    },
  })
}

export function useLogout() {
  return useMutation({
    mutationFn: () => api<void>('/session', { method: 'DELETE', quietUnauthorized: true }).catch(() => undefined),
    onSettled: signedOut,
  })
}

export function useChangePassword() {
  return useMutation({ mutationFn: (body: { currentPassword: string; newPassword: string }) => api<void>('/me/password', { method: 'POST', body }) })
}

export type InvitationPreview = { email: string; role: Role; organisation: string; expiresAt: string }

export function useInvitationPreview(token: string) {
  return useQuery({ queryKey: ['invitation-preview', token], queryFn: () => api<InvitationPreview>('/invitations/preview', { query: { token }, quietUnauthorized: true }) })
}

export function useAcceptInvitation() {
  return useMutation({
    mutationFn: (body: { token: string; name: string; password: string }) => api<{ user: User; csrfToken: string }>('/invitations/accept', { method: 'POST', body }),
    onSuccess: async ({ csrfToken }) => {
      setCsrfToken(csrfToken)
      await queryClient.invalidateQueries({ queryKey: ['session'] })
    },
  })
}
