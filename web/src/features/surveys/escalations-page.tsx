import { Anchor, Badge, Button, Group, NumberInput, Popover, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section, Stat } from '../../components/page.tsx'
import { api, ApiError } from '../../lib/api-client.ts'
import { formatDate } from '../../lib/format.ts'
import { queryClient } from '../../lib/query-client.ts'
import type { StakeholderChoice } from '../experiences/quick-log-context.tsx'
import { StakeholderPicker } from '../experiences/stakeholder-picker.tsx'
import type { Ambassador, Referral } from '../../../../src/domain/referrals/schema.ts'
import type { Escalation } from '../../../../src/domain/escalations/schema.ts'

type Figures = { opened: number; resolved: number; open: number; complaints: number; medianResponseHours: number | null; medianResolutionHours: number | null; responseOnTimeRate: number | null; resolutionOnTimeRate: number | null }
type Stats = { overall: Figures; activeAccounts: number; perAccountRate: number | null; byPeriod: { period: string; figures: Figures }[] }

const refresh = () => queryClient.invalidateQueries({ predicate: (q) => ['voice', 'experiences', 'trust'].includes(String(q.queryKey[0])) })
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)} %`)
const hours = (x: number | null) => (x === null ? '—' : x < 48 ? `${x.toFixed(1)} h` : `${(x / 24).toFixed(1)} d`)

/** Resolving asks what was done: the answer is the record of how the loop was closed. */
function ResolveButton({ onResolve }: { onResolve: (resolution: string) => void }) {
  const [opened, setOpened] = useState(false)
  const [text, setText] = useState('')
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withArrow trapFocus>
      <Popover.Target><Button size="xs" variant="light" onClick={() => setOpened((o) => !o)}>Mark resolved</Button></Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" w={280}>
          <Textarea label="What was done?" autosize minRows={2} value={text} onChange={(e) => setText(e.currentTarget.value)} />
          <Button size="xs" disabled={text.trim().length === 0} onClick={() => { onResolve(text.trim()); setOpened(false); setText('') }}>Resolve</Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}

function EscalationsSection() {
  const list = useQuery({ queryKey: ['voice', 'escalations'], queryFn: () => api<{ items: Escalation[] }>('/escalations') })
  const stats = useQuery({ queryKey: ['voice', 'escalation-stats'], queryFn: () => api<Stats>('/escalation-stats') })
  const [who, setWho] = useState<StakeholderChoice[]>([])
  const [title, setTitle] = useState('')
  const [kind, setKind] = useState('escalation')
  const [severity, setSeverity] = useState('medium')
  const open = useMutation({ mutationFn: () => api<Escalation>('/escalations', { method: 'POST', body: { kind, severity, title, stakeholderId: who[0]?.id } }), onSuccess: () => { setWho([]); setTitle(''); void refresh() } })
  const act = useMutation({ mutationFn: ({ id, step, resolution }: { id: string; step: 'respond' | 'resolve'; resolution?: string }) => api<Escalation>(`/escalations/${id}/${step}`, { method: 'POST', body: step === 'resolve' ? { resolution } : {} }), onSuccess: refresh })
  const errors = open.error instanceof ApiError ? open.error.fieldErrors : {}
  const o = stats.data?.overall
  return (
    <Section title="Escalations and complaints" id="escalations" description="Times against target; each one weighs on trust like any incident">
      {o ? (
        <SimpleGrid cols={{ base: 2, sm: 5 }} mb="md">
          <Stat label="Opened" value={o.opened} hint={`${o.complaints} complaints`} />
          <Stat label="Open now" value={o.open} />
          <Stat label="Median first response" value={hours(o.medianResponseHours)} hint={`${pct(o.responseOnTimeRate)} on time`} />
          <Stat label="Median resolution" value={hours(o.medianResolutionHours)} hint={`${pct(o.resolutionOnTimeRate)} on time`} />
          <Stat label="Per account" value={stats.data?.perAccountRate?.toFixed(2) ?? '—'} hint={`${stats.data?.activeAccounts} active accounts`} />
        </SimpleGrid>
      ) : null}
      <form onSubmit={(e) => { e.preventDefault(); open.mutate() }}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <StakeholderPicker value={who} onChange={(v) => setWho(v.slice(-1))} error={errors.stakeholderId ?? errors.accountId} />
          <TextInput label="What happened" value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={300} error={errors.title} />
          <Select label="Kind" value={kind} onChange={(v) => v && setKind(v)} allowDeselect={false} data={[{ value: 'escalation', label: 'Escalation' }, { value: 'complaint', label: 'Complaint' }]} />
          <Select label="Severity" value={severity} onChange={(v) => v && setSeverity(v)} allowDeselect={false} data={['low', 'medium', 'high', 'critical']} />
        </SimpleGrid>
        <Button type="submit" mt="sm" loading={open.isPending} disabled={!who.length || !title}>Open</Button>
      </form>
      {list.isPending ? <PageLoader /> : list.error ? <ErrorNotice error={list.error} /> : list.data.items.length === 0 ? <EmptyState title="No escalations" /> : (
        <Table.ScrollContainer minWidth={640}>
          <Table mt="md" fz="sm" verticalSpacing={6}>
            <Table.Thead><Table.Tr><Table.Th>Opened</Table.Th><Table.Th>What</Table.Th><Table.Th>Account</Table.Th><Table.Th>First response</Table.Th><Table.Th>Resolution</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>{list.data.items.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{formatDate(e.openedAt)}</Table.Td>
                <Table.Td><Text fz="sm" fw={600}>{e.title}</Text><Text fz="xs" c="dimmed">{e.kind} · {e.severity} · {e.stakeholderName}</Text></Table.Td>
                <Table.Td><Anchor component={Link} to={`/accounts/${e.accountId}`} fz="sm">{e.accountName}</Anchor></Table.Td>
                <Table.Td>{hours(e.responseHours)} {e.isResponseLate ? <Badge color="red" variant="light" tt="none">late</Badge> : null}<Text fz="xs" c="dimmed">target {e.responseTargetHours} h</Text></Table.Td>
                <Table.Td>{hours(e.resolutionHours)} {e.isResolutionLate ? <Badge color="red" variant="light" tt="none">late</Badge> : null}<Text fz="xs" c="dimmed">target {e.resolutionTargetHours} h</Text></Table.Td>
                <Table.Td>
                  {!e.firstResponseAt ? <Button size="xs" variant="light" onClick={() => act.mutate({ id: e.id, step: 'respond' })}>Mark responded</Button> : !e.resolvedAt ? <ResolveButton onResolve={(resolution) => act.mutate({ id: e.id, step: 'resolve', resolution })} /> : null}
                </Table.Td>
              </Table.Tr>
            ))}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  )
}

function ReferralsSection() {
  const list = useQuery({ queryKey: ['voice', 'referrals'], queryFn: () => api<{ items: Referral[] }>('/referrals') })
  const ambassadors = useQuery({ queryKey: ['voice', 'ambassadors'], queryFn: () => api<{ items: Ambassador[] }>('/ambassadors') })
  const [who, setWho] = useState<StakeholderChoice[]>([])
  const [referredName, setReferredName] = useState('')
  const [value, setValue] = useState<number | string>('')
  const create = useMutation({
    mutationFn: () => api<Referral>('/referrals', { method: 'POST', body: { referrerId: who[0]?.id, referredName, ...(typeof value === 'number' ? { value, currency: 'EUR', status: 'won' } : {}) } }),
    onSuccess: () => { setWho([]); setReferredName(''); setValue(''); void refresh() },
  })
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Section title="Referrals" id="referrals" description="Who sent us whom, and what that business was worth">
        <form onSubmit={(e) => { e.preventDefault(); create.mutate() }}>
          <StakeholderPicker value={who} onChange={(v) => setWho(v.slice(-1))} error={errors.referrerId} />
          <TextInput label="Whom they introduced" value={referredName} onChange={(e) => setReferredName(e.currentTarget.value)} maxLength={200} mt="xs" error={errors.referredName} />
          <NumberInput label="Business won (EUR, optional)" value={value} onChange={setValue} min={0} mt="xs" error={errors.value} />
          <Button type="submit" mt="sm" loading={create.isPending} disabled={!who.length || !referredName}>Record referral</Button>
        </form>
        {list.data?.items.length ? (
          <Stack component="ul" gap={4} mt="md" p={0} style={{ listStyle: 'none' }}>
            {list.data.items.map((r) => <li key={r.id}><Text fz="sm"><strong>{r.referrerName}</strong> → {r.referredAccountName ?? r.referredStakeholderName ?? r.referredName} · {r.status}{r.value !== null ? ` · ${r.value.toLocaleString()} ${r.currency ?? ''}` : ''}</Text></li>)}
          </Stack>
        ) : null}
      </Section>
      <Section title="Ambassadors" id="ambassadors" description="Stakeholders who refer us or answer NPS with 9–10">
        {ambassadors.isPending ? <PageLoader /> : ambassadors.error ? <ErrorNotice error={ambassadors.error} /> : ambassadors.data.items.length === 0 ? <EmptyState title="No ambassadors yet" /> : (
          <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: 'none' }}>
            {ambassadors.data.items.map((a) => (
              <Group component="li" key={a.stakeholderId} justify="space-between">
                <Anchor component={Link} to={`/stakeholders/${a.stakeholderId}`} fz="sm" fw={600}>{a.name}</Anchor>
                <Text fz="xs" c="dimmed">{a.referrals} referrals · {a.promoterAnswers} promoter answers{a.wonValue ? ` · ${a.wonValue.toLocaleString()} won` : ''}</Text>
              </Group>
            ))}
          </Stack>
        )}
      </Section>
    </SimpleGrid>
  )
}

export function EscalationsPage() {
  return (
    <Page title="Escalations & referrals" subtitle="What went wrong and how fast we answered; who sends us business.">
      <Stack gap="lg">
        <EscalationsSection />
        <ReferralsSection />
      </Stack>
    </Page>
  )
}
