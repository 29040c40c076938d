import { Group, Text } from '@mantine/core'

export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const px = size === 'lg' ? 32 : 26
  return (
    <Group gap={8} wrap="nowrap">
      <svg width={px} height={px} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--mantine-color-brand-7)" />
        <path d="M16 25c0-6 0-9 0-12m0 0c0-4 3-6 7-6 0 4-3 6-7 6zm0 3c0-3-2-5-6-5 0 3 2 5 6 5z" stroke="#fff" strokeWidth="2.2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <Text fw={650} fz={size === 'lg' ? 'xl' : 'lg'} lts={-0.3}>Tend</Text>
    </Group>
  )
}
