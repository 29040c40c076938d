import { Alert, Button, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import { useNavigate, useParams } from 'react-router'
import { ApiError } from '../../lib/api-client.ts'
import { label, ROLE_LABELS } from '../../lib/format.ts'
import { useAcceptInvitation, useInvitationPreview } from './api.ts'
import { AuthLayout } from './auth-layout.tsx'

export function InvitePage() {
  const { token = '' } = useParams()
  const preview = useInvitationPreview(token)
  const accept = useAcceptInvitation()
  const navigate = useNavigate()
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')

  if (preview.isPending) return <AuthLayout title="Join Tend"><div role="status" aria-label="Loading the invitation"><Loader size="sm" /></div></AuthLayout>
  if (preview.isError) {
    return (
      <AuthLayout title="This invitation cannot be used">
        <Text>The link has expired, was revoked or has already been used. Ask your administrator for a new one.</Text>
      </AuthLayout>
    )
  }
  const invite = preview.data
  const fieldErrors = accept.error instanceof ApiError ? accept.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    accept.mutate({ token, name, password }, { onSuccess: () => void navigate('/', { replace: true }) })
  }

  return (
    <AuthLayout title={`Join ${invite.organisation}`} subtitle={<>You are invited as <b>{label(ROLE_LABELS, invite.role)}</b> with {invite.email}.</>}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {accept.error && Object.keys(fieldErrors).length === 0 ? <Alert color="red" variant="light" role="alert">{accept.error.message}</Alert> : null}
          <TextInput label="Email" value={invite.email} readOnly autoComplete="username" />
          <TextInput label="Your name" required autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldErrors.name} autoFocus />
          <PasswordInput label="Choose a password" description="At least 10 characters" required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={fieldErrors.password} />
          <Button type="submit" loading={accept.isPending} fullWidth mt="xs">Create my account</Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
