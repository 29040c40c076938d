import { Alert, Box, Center, Group, Loader, Stack, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { ApiError } from '../lib/api-client.ts'

/** The frame of every signed-in page: a title row with actions, then the content. */
export function Page({ title, subtitle, actions, children, maw = 1200 }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; children: ReactNode; maw?: number }) {
  return (
    <Box maw={maw} mx="auto" px={{ base: 'md', sm: 'xl' }} py={{ base: 'md', sm: 'xl' }}>
      <Group justify="space-between" align="flex-start" mb="lg" gap="sm">
        <div style={{ minWidth: 0 }}>
          <Title order={1}>{title}</Title>
          {subtitle ? <Box c="dimmed" fz="sm" mt={4}>{subtitle}</Box> : null}
        </div>
        {actions ? <Group gap="xs">{actions}</Group> : null}
      </Group>
      {children}
    </Box>
  )
}

export function Section({ title, description, actions, children, id, className }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; children: ReactNode; id?: string; className?: string }) {
  const headingId = id ? `${id}-title` : undefined
  return (
    <Box component="section" className={className ? `tend-card ${className}` : 'tend-card'} p={{ base: 'md', sm: 'lg' }} aria-labelledby={headingId}>
      <Group justify="space-between" mb="md" gap="xs" align="flex-start">
        <div>
          <Title order={2} id={headingId}>{title}</Title>
          {description ? <Text c="dimmed" fz="sm" mt={2}>{description}</Text> : null}
        </div>
        {actions}
      </Group>
      {children}
    </Box>
  )
}

export function EmptyState({ title, children, icon }: { title: string; children?: ReactNode; icon?: ReactNode }) {
  return (
    <Stack align="center" gap={6} py="xl" px="md" ta="center">
      {icon ? <Box c="gray.5">{icon}</Box> : null}
      <Text fw={500}>{title}</Text>
      {children ? <Text c="dimmed" fz="sm" maw={420}>{children}</Text> : null}
    </Stack>
  )
}

export function PageLoader() {
  return (
    <Center py={80} role="status" aria-label="Loading">
      <Loader size="sm" />
    </Center>
  )
}

export function ErrorNotice({ error }: { error: unknown }) {
  const message = error instanceof ApiError ? error.message : 'Something went wrong. Try again.'
  return <Alert color="red" variant="light" role="alert" title={error instanceof ApiError && error.status === 404 ? 'Not found' : 'Could not load'}>{message}</Alert>
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div>
      <Text fz="xs" c="dimmed" tt="uppercase" fw={600} lts={0.4}>{label}</Text>
      <Text fz="xl" fw={600} mt={2}>{value}</Text>
      {hint ? <Text fz="xs" c="dimmed">{hint}</Text> : null}
    </div>
  )
}
