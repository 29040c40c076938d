import { Badge, Box, Button, Group, Stack, Text, ThemeIcon } from '@mantine/core'
import {
  IconAlertTriangle, IconBulb, IconCalendarEvent, IconGift, IconHeartHandshake, IconMail, IconMessage, IconPhone, IconShare, IconToolsKitchen2, IconUsers, IconMapPin, IconStar, IconMoodSad, IconCircle, IconMessageStar,
} from '@tabler/icons-react'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { DEPTH_LABELS, DIRECTION_LABELS, experienceHeadline, formatDateTime, KIND_LABELS, label, relativeTime, VALENCE_LABELS } from '../../lib/format.ts'
import type { Experience } from '../../lib/types.ts'

const KIND_ICONS: Record<string, ReactNode> = {
  meeting: <IconUsers size={16} />, call: <IconPhone size={16} />, email: <IconMail size={16} />, message: <IconMessage size={16} />,
  meal: <IconToolsKitchen2 size={16} />, visit: <IconMapPin size={16} />, event: <IconCalendarEvent size={16} />, introduction: <IconShare size={16} />,
  insight: <IconBulb size={16} />, help: <IconHeartHandshake size={16} />, gift: <IconGift size={16} />, invitation: <IconCalendarEvent size={16} />,
  personal_moment: <IconStar size={16} />, referral: <IconShare size={16} />, service_failure: <IconAlertTriangle size={16} />,
  escalation: <IconAlertTriangle size={16} />, complaint: <IconMoodSad size={16} />, survey_answer: <IconMessageStar size={16} />, other: <IconCircle size={16} />,
}

function valenceColor(v: number | null) {
  if (v === null) return 'gray'
  return v < 0 ? 'red' : v > 0 ? 'green' : 'gray'
}

type Props = {
  experiences: Experience[]
  nameOf?: (stakeholderId: string) => { name: string; href: string } | undefined
  userNameOf?: (userId: string) => string | undefined
  hasMore?: boolean
  onMore?: () => void
  isLoadingMore?: boolean
}

/** Experiences newest first: what happened, how it went, who gave, who took part. */
export function Timeline({ experiences, nameOf, userNameOf, hasMore, onMore, isLoadingMore }: Props) {
  return (
    <Stack gap={0} component="ol" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Experiences">
      {experiences.map((e, i) => {
        const people = nameOf ? e.stakeholderIds.map(nameOf).filter((p): p is { name: string; href: string } => p !== undefined) : []
        const ours = userNameOf ? e.userIds.map(userNameOf).filter(Boolean).join(', ') : ''
        return (
          <Box component="li" key={e.id} pos="relative" pl={40} pb={i === experiences.length - 1 ? 0 : 'md'}>
            {i < experiences.length - 1 ? <Box pos="absolute" left={13} top={30} bottom={0} w={1} bg="gray.2" aria-hidden="true" /> : null}
            <ThemeIcon pos="absolute" left={0} top={0} size={28} radius="xl" variant="light" color={valenceColor(e.valence)} aria-hidden="true">
              {KIND_ICONS[e.kind] ?? <IconCircle size={16} />}
            </ThemeIcon>
            <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
              <div style={{ minWidth: 0 }}>
                <Text fz="sm" fw={500} fs={e.titleHidden ? 'italic' : undefined} title={e.titleHidden ? 'Only the people in this mail, their managers and admins see its subject' : undefined}>{experienceHeadline(e)}</Text>
                <Text fz="xs" c="dimmed" mt={2}>
                  {[e.title || e.titleHidden ? label(KIND_LABELS, e.kind) : null, label(DIRECTION_LABELS, e.direction), e.initiator === 'them' ? 'they reached out' : 'we reached out', label(DEPTH_LABELS, e.depth).toLowerCase()].filter(Boolean).join(' · ')}
                </Text>
                {people.length > 0 || ours ? (
                  <Text fz="xs" c="dimmed" mt={2}>
                    {people.map((p, j) => (
                      <span key={p.href}>{j > 0 ? ', ' : ''}<Link to={p.href} style={{ color: 'var(--mantine-color-gray-8)', textDecoration: 'underline', textDecorationColor: 'var(--mantine-color-gray-4)', textUnderlineOffset: 2 }}>{p.name}</Link></span>
                    ))}
                    {ours ? `${people.length ? ' with ' : ''}${ours}` : ''}
                  </Text>
                ) : null}
                {e.notes ? <Text fz="sm" mt={6} c="gray.8" style={{ whiteSpace: 'pre-line' }} lineClamp={4}>{e.notes}</Text> : null}
              </div>
              <Stack gap={4} align="flex-end" style={{ flex: 'none' }}>
                <Text fz="xs" c="dimmed" title={formatDateTime(e.occurredAt)}>{relativeTime(e.occurredAt)}</Text>
                {e.valence !== null ? <Badge size="xs" variant="light" color={valenceColor(e.valence)} tt="none">{VALENCE_LABELS[String(e.valence)]}</Badge> : <Badge size="xs" variant="outline" color="gray" tt="none">{e.source}</Badge>}
              </Stack>
            </Group>
          </Box>
        )
      })}
      {hasMore && onMore ? (
        <li><Button variant="subtle" size="xs" mt="md" onClick={onMore} loading={isLoadingMore}>Show older experiences</Button></li>
      ) : null}
    </Stack>
  )
}
