import { Badge, Group, Progress, Stack, Text } from '@mantine/core'
import { DEPTH_LABELS, DIRECTION_LABELS, experienceHeadline, formatDate, label, VALENCE_LABELS } from '../../lib/format.ts'
import type { Contribution } from '../../lib/types.ts'

/** Which experiences make up a trust score, and how much each counts today (T9). */
export function ExplanationList({ contributions, limit = 8 }: { contributions: Contribution[]; limit?: number }) {
  const top = [...contributions].sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact)).slice(0, limit)
  const max = Math.max(1e-9, ...top.map((c) => Math.abs(c.impact)))
  if (top.length === 0) return <Text c="dimmed" fz="sm">No experiences count towards this score yet.</Text>
  return (
    <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Experiences behind the score">
      {top.map((c) => (
        <li key={c.experienceId}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Text fz="sm" fw={500} fs={c.titleHidden ? 'italic' : undefined} className="tend-nowrap">{experienceHeadline(c)}</Text>
              <Group gap={6} mt={2}>
                <Text fz="xs" c="dimmed">{formatDate(c.occurredAt)}</Text>
                <Text fz="xs" c="dimmed">· {label(DIRECTION_LABELS, c.direction)} · {label(DEPTH_LABELS, c.depth)}</Text>
                {c.valence !== null ? <Badge size="xs" variant="light" color={c.valence < 0 ? 'red' : c.valence > 0 ? 'green' : 'gray'} tt="none">{VALENCE_LABELS[String(c.valence)]}</Badge> : null}
                {c.source !== 'manual' ? <Badge size="xs" variant="outline" color="gray" tt="none">{c.source}</Badge> : null}
              </Group>
            </div>
            <Text fz="sm" fw={600} c={c.impact < 0 ? 'var(--tend-negative)' : 'var(--tend-positive)'} style={{ fontVariantNumeric: 'tabular-nums' }} aria-label={`Impact ${c.impact.toFixed(1)} points`}>
              {c.impact > 0 ? '+' : ''}{c.impact.toFixed(1)}
            </Text>
          </Group>
          <Progress value={(Math.abs(c.impact) / max) * 100} color={c.impact < 0 ? 'red.4' : 'green.5'} size={4} mt={6} aria-hidden="true" />
        </li>
      ))}
    </Stack>
  )
}
