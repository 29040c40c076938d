import { QueryClient } from '@tanstack/react-query'
import { ApiError } from './api-client.ts'

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again (and a 404 is how an unbuilt endpoint answers).
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
    },
  },
})

/** After a write that can move trust: everything but the session is refetched. */
export function invalidateRecords() {
  return queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' })
}
