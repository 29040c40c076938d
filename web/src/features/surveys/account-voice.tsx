import { Anchor, SimpleGrid, Stack, Text } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { Section, Stat } from '../../components/page.tsx'
import { api } from '../../lib/api-client.ts'
import type { Ambassador } from '../../../../src/domain/referrals/schema.ts'
import { formatInterval, formatScore, useFollowUps, type Results } from './api.ts'

type EscalationStats = { overall: { opened: number; open: number; responseOnTimeRate: number | null } }

/** The account's voice: NPS and CSAT with intervals, escalations, open follow-ups and ambassadors. */
export function AccountVoice({ accountId }: { accountId: string }) {
  const nps = useQuery({ queryKey: ['surveys', 'across', 'nps', 'account', accountId], queryFn: () => api<Results>('/survey-results', { query: { kind: 'nps', accountId } }) })
  const csat = useQuery({ queryKey: ['surveys', 'across', 'csat', 'account', accountId], queryFn: () => api<Results>('/survey-results', { query: { kind: 'csat', accountId } }) })
  const escalations = useQuery({ queryKey: ['voice', 'escalation-stats', accountId], queryFn: () => api<EscalationStats>('/escalation-stats', { query: { accountId } }) })
  const ambassadors = useQuery({ queryKey: ['voice', 'ambassadors', accountId], queryFn: () => api<{ items: Ambassador[] }>('/ambassadors', { query: { accountId } }) })
  const followUps = useFollowUps({ accountId }).data?.items ?? []
  const e = escalations.data?.overall
  return (
    <Section id="voice" title="Voice of the customer" description="What their people say, what went wrong, who speaks for us">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="lg">
        <Stat label="NPS" value={nps.data ? formatScore('nps', nps.data.overall) : '…'} hint={nps.data ? `${formatInterval(nps.data.overall)} · n = ${nps.data.overall.n ?? 0}` : undefined} />
        <Stat label="CSAT" value={csat.data ? formatScore('csat', csat.data.overall) : '…'} hint={csat.data ? `${formatInterval(csat.data.overall)} · n = ${csat.data.overall.n ?? 0}` : undefined} />
        <Stat label="Escalations" value={e ? e.opened : '…'} hint={e ? `${e.open} open · ${e.responseOnTimeRate === null ? '—' : `${Math.round(e.responseOnTimeRate * 100)} %`} answered on time` : undefined} />
        <Stat label="Open follow-ups" value={followUps.length} />
      </SimpleGrid>
      {ambassadors.data?.items.length ? (
        <Stack gap={2} mt="md">
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>Ambassadors</Text>
          {ambassadors.data.items.map((a) => (
            <Text key={a.stakeholderId} fz="sm"><Anchor component={Link} to={`/stakeholders/${a.stakeholderId}`}>{a.name}</Anchor> · {a.referrals} referrals · {a.promoterAnswers} promoter answers</Text>
          ))}
        </Stack>
      ) : null}
    </Section>
  )
}
