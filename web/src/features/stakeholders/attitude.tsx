import { Badge, Box, Group, Text, Tooltip } from '@mantine/core'
import { ATTITUDE_LABELS, label } from '../../lib/format.ts'

export const ATTITUDE_COLORS: Record<string, string> = { champion: 'green', supporter: 'teal', neutral: 'gray', skeptic: 'orange', detractor: 'red' }

export function AttitudeBadge({ attitude }: { attitude: string }) {
  return <Badge variant="light" color={ATTITUDE_COLORS[attitude] ?? 'gray'} size="sm" tt="none">{label(ATTITUDE_LABELS, attitude)}</Badge>
}

/** Influence 1–5 as five small bars, with the number for screen readers. */
export function InfluenceMeter({ value }: { value: number }) {
  return (
    <Tooltip label={`Influence ${value} of 5`} openDelay={300}>
      <Group gap={2} wrap="nowrap" aria-label={`Influence ${value} of 5`} role="img">
        {[1, 2, 3, 4, 5].map((i) => (
          <Box key={i} w={4} h={4 + i * 2} bg={i <= value ? 'brand.6' : 'gray.3'} style={{ borderRadius: 1, alignSelf: 'flex-end' }} />
        ))}
      </Group>
    </Tooltip>
  )
}

export function AttitudeDot({ attitude }: { attitude: string }) {
  return <Box component="span" display="inline-block" w={8} h={8} bg={`${ATTITUDE_COLORS[attitude] ?? 'gray'}.6`} style={{ borderRadius: 4, flex: 'none' }} aria-hidden="true" />
}

export function AttitudeText({ attitude }: { attitude: string }) {
  return <Group gap={6} wrap="nowrap"><AttitudeDot attitude={attitude} /><Text fz="xs" c="dimmed">{label(ATTITUDE_LABELS, attitude)}</Text></Group>
}
