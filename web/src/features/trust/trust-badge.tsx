import { Badge, Group, Text, Tooltip } from '@mantine/core'
import type { TrustState } from '../../lib/types.ts'

export const TRUST_COLORS: Record<TrustState, string> = { warming: 'green', steady: 'blue', cooling: 'orange', cold: 'red' }
const STATE_LABELS: Record<TrustState, string> = { warming: 'Warming', steady: 'Steady', cooling: 'Cooling', cold: 'Going cold' }
const STATE_HINTS: Record<TrustState, string> = {
  warming: 'Trust is rising',
  steady: 'Trust is holding',
  cooling: 'Trust is slipping',
  cold: 'No meaningful experience for longer than the cadence',
}

export function TrustStateBadge({ state, size = 'sm' }: { state: TrustState; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Tooltip label={STATE_HINTS[state]} openDelay={300}>
      <Badge color={TRUST_COLORS[state]} variant="light" size={size} radius="sm" tt="none" fw={600}>{STATE_LABELS[state]}</Badge>
    </Tooltip>
  )
}

/** Score and state side by side; a dash when the relationship has no score yet. */
export function TrustScore({ trust, size = 'sm' }: { trust: { score: number; state: TrustState } | null | undefined; size?: 'sm' | 'lg' }) {
  if (!trust) return <Text c="dimmed" fz="sm" aria-label="No trust score yet">—</Text>
  return (
    <Group gap={8} wrap="nowrap" style={{ flex: 'none' }}>
      <Text fw={600} fz={size === 'lg' ? 28 : 'sm'} lh={1} style={{ fontVariantNumeric: 'tabular-nums' }} aria-label={`Trust ${Math.round(trust.score)} of 100`}>
        {Math.round(trust.score)}
      </Text>
      <TrustStateBadge state={trust.state} size={size === 'lg' ? 'md' : 'sm'} />
    </Group>
  )
}
