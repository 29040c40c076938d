import { Anchor, Badge, Box, Group, Progress, SimpleGrid, Stack, Table, Text, UnstyledButton } from '@mantine/core'
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react'
import { Fragment, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section, Stat } from '../../components/page.tsx'
import { OverdueActivities } from '../plans/overdue-activities.tsx'
import { formatDaysAgo, label, ROLE_LABELS } from '../../lib/format.ts'
import type { User } from '../../lib/types.ts'
import { useCurrentSession } from '../auth/api.ts'
import { useRelationships, type RelationshipWithTrust } from '../relationships/api.ts'
import { useAttention } from '../trust/api.ts'
import { useUsers } from '../users/api.ts'
import { FollowUpsPanel } from '../surveys/follow-ups-panel.tsx'
import { TrustScore } from '../trust/trust-badge.tsx'

type PersonStats = { user: User; relationships: RelationshipWithTrust[]; scored: number; cold: number; avg: number | null; coverage: number | null }

/** Per person: how many relationships, their average trust, how many are cold, and coverage (share not cold). */
function statsOf(user: User, relationships: RelationshipWithTrust[]): PersonStats {
  const scored = relationships.filter((r) => r.trust)
  const cold = scored.filter((r) => r.trust?.isCold).length
  const avg = scored.length ? scored.reduce((s, r) => s + (r.trust?.score ?? 0), 0) / scored.length : null
  return { user, relationships, scored: scored.length, cold, avg, coverage: scored.length ? (scored.length - cold) / scored.length : null }
}

function PersonRelationships({ relationships }: { relationships: RelationshipWithTrust[] }) {
  const sorted = [...relationships].sort((a, b) => b.importance - a.importance).slice(0, 50)
  if (sorted.length === 0) return <Text fz="sm" c="dimmed" py="xs">No relationships.</Text>
  return (
    <Stack gap={0} py="xs">
      {sorted.map((r) => {
        return (
          <Group key={r.id} justify="space-between" py={6} wrap="nowrap" gap="md">
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/stakeholders/${r.stakeholderId}`} fz="sm" c="dark">{r.stakeholderName}</Anchor>
              <Text fz="xs" c="dimmed" className="tend-nowrap">{[r.accountName, `importance ${r.importance}/5`, `last touch ${formatDaysAgo(r.trust?.daysSinceMeaningful)}`].filter(Boolean).join(' · ')}</Text>
            </div>
            <TrustScore trust={r.trust} />
          </Group>
        )
      })}
    </Stack>
  )
}

function CoverageBar({ value }: { value: number | null }) {
  if (value === null) return <Text fz="sm" c="dimmed">—</Text>
  const pct = Math.round(value * 100)
  return (
    <Group gap={8} wrap="nowrap">
      <Progress value={pct} w={80} size={6} color={pct >= 80 ? 'green' : pct >= 60 ? 'yellow' : 'red'} aria-hidden="true" />
      <Text fz="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>{pct}%</Text>
    </Group>
  )
}

export function TeamPage() {
  const session = useCurrentSession()
  const [params] = useSearchParams()
  const [open, setOpen] = useState<string | null>(params.get('person'))
  const team = useRelationships({ subtreeOf: 'me' })
  const people = useUsers({ subtreeOf: 'me' })
  const attention = useAttention('team')
  if (people.isPending || team.isPending) return <PageLoader />
  if (people.isError) return <Page title="Team"><ErrorNotice error={people.error} /></Page>
  if (team.isError) return <Page title="Team"><ErrorNotice error={team.error} /></Page>
  const byUser = new Map<string, RelationshipWithTrust[]>()
  for (const r of team.data) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r])
  const stats = (people.data ?? []).map((u) => statsOf(u, byUser.get(u.id) ?? [])).sort((a, b) => (a.user.id === session.user.id ? 1 : 0) - (b.user.id === session.user.id ? 1 : 0) || a.user.name.localeCompare(b.user.name))
  const all = statsOf(session.user, team.data)

  return (
    <Page title="Team" subtitle="Your reports' key relationships: trust, cold spots and coverage">
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 2, sm: 4 }} className="tend-card" p="lg" spacing="lg">
          <Stat label="People" value={stats.length} />
          <Stat label="Relationships" value={team.data.length} />
          <Stat label="Average trust" value={all.avg === null ? '—' : Math.round(all.avg)} />
          <Stat label="Coverage" value={all.coverage === null ? '—' : `${Math.round(all.coverage * 100)}%`} hint={`${all.cold} going cold`} />
        </SimpleGrid>
        <Section id="people" title="People">
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr><Table.Th>Person</Table.Th><Table.Th>Relationships</Table.Th><Table.Th>Average trust</Table.Th><Table.Th>Going cold</Table.Th><Table.Th>Coverage</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stats.map((p) => {
                  const isOpen = open === p.user.id
                  return (
                    <Fragment key={p.user.id}>
                      <Table.Tr>
                        <Table.Td>
                          <UnstyledButton onClick={() => setOpen(isOpen ? null : p.user.id)} aria-expanded={isOpen} aria-controls={`rels-${p.user.id}`}>
                            <Group gap={6} wrap="nowrap">
                              {isOpen ? <IconChevronDown size={14} aria-hidden="true" /> : <IconChevronRight size={14} aria-hidden="true" />}
                              <div>
                                <Text fz="sm" fw={500}>{p.user.name}{p.user.id === session.user.id ? ' (you)' : ''}</Text>
                                <Text fz="xs" c="dimmed">{label(ROLE_LABELS, p.user.role)}</Text>
                              </div>
                            </Group>
                          </UnstyledButton>
                        </Table.Td>
                        <Table.Td><Text fz="sm">{p.relationships.length}</Text></Table.Td>
                        <Table.Td>{p.avg === null ? <Text fz="sm" c="dimmed">—</Text> : <Text fz="sm" fw={600}>{Math.round(p.avg)}</Text>}</Table.Td>
                        <Table.Td>{p.cold > 0 ? <Badge color="red" variant="light">{p.cold}</Badge> : <Text fz="sm" c="dimmed">0</Text>}</Table.Td>
                        <Table.Td><CoverageBar value={p.coverage} /></Table.Td>
                      </Table.Tr>
                      {isOpen ? (
                        <Table.Tr id={`rels-${p.user.id}`}>
                          <Table.Td colSpan={5} bg="gray.0"><Box px="md"><PersonRelationships relationships={p.relationships} /></Box></Table.Td>
                        </Table.Tr>
                      ) : null}
                    </Fragment>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Section>
        <FollowUpsPanel scope="team" title="Detractor follow-ups across the team" />
        <Section id="team-overdue" title="Overdue gives across the team" description="Planned activities past their date, by owner">
          <OverdueActivities scope="team" />
        </Section>
        <Section id="team-attention" title="Going cold across the team" description="Most important first, with a suggested next step">
          {attention.isPending ? <PageLoader /> : !attention.data ? <EmptyState title="Trust scores are not available yet" /> : attention.data.items.length === 0 ? <EmptyState title="Nothing is going cold" /> : (
            <Stack gap={0}>
              {attention.data.items.slice(0, 25).map((i) => (
                <Group key={i.relationshipId} justify="space-between" py="xs" wrap="wrap" gap="sm" style={{ borderTop: '1px solid var(--tend-border)' }}>
                  <div style={{ minWidth: 0, flex: '1 1 280px' }}>
                    <Group gap={6}>
                      <Anchor component={Link} to={`/stakeholders/${i.stakeholderId}`} fz="sm" fw={600} c="dark">{i.stakeholderName}</Anchor>
                      <Text fz="sm" c="dimmed">{i.accountName ? `${i.accountName} · ` : ''}owned by {i.userName}</Text>
                    </Group>
                    <Text fz="sm" mt={2}>{i.suggestion}</Text>
                  </div>
                  <TrustScore trust={i} />
                </Group>
              ))}
            </Stack>
          )}
        </Section>
      </Stack>
    </Page>
  )
}
