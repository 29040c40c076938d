import { Box, Center, Stack, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import { Logo } from '../../components/logo.tsx'

/** The centred card of the signed-out pages: login and invitation acceptance. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <Center mih="100dvh" p="md">
      <Box w="100%" maw={400}>
        <Stack gap="lg">
          <Logo size="lg" />
          <div>
            <Text component="h1" fz="xl" fw={600}>{title}</Text>
            {subtitle ? <Text c="dimmed" fz="sm" mt={4}>{subtitle}</Text> : null}
          </div>
          <Box className="tend-card" p="xl">{children}</Box>
        </Stack>
      </Box>
    </Center>
  )
}
