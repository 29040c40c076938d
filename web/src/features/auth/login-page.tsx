import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router'
import { ApiError } from '../../lib/api-client.ts'
import { useLogin, useSession } from './api.ts'
import { AuthLayout } from './auth-layout.tsx'

export function LoginPage() {
  const { data: session } = useSession()
  const login = useLogin()
  const navigate = useNavigate()
  const location = useLocation()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const next = new URLSearchParams(location.search).get('next') ?? '/'
  if (session) return <Navigate to={next} replace />

  const submit = (e: FormEvent) => {
    e.preventDefault()
    login.mutate({ email, password }, { onSuccess: () => void navigate(next.startsWith('/') ? next : '/', { replace: true }) })
  }
  const error = login.error instanceof ApiError && login.error.status === 401 ? 'Wrong email or password.' : login.error?.message

  return (
    <AuthLayout title="Sign in to Tend" subtitle="Relationships built on trust, one experience at a time.">
      <form onSubmit={submit} noValidate>
        <Stack>
          {error ? <Alert color="red" variant="light" role="alert">{error}</Alert> : null}
          <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} autoFocus />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Button type="submit" loading={login.isPending} fullWidth mt="xs">Sign in</Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
