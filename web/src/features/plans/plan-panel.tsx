import { Badge, Button, Group, List, Progress, Select, Stack, Text, TextInput, Textarea } from '@mantine/core'
import { IconCheck } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { ErrorNotice, PageLoader } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate, label, options } from '../../lib/format.ts'
import { ACTIVITY_KIND_LABELS, useAddActivity, useCompleteActivity, useCreatePlan, usePlans, type Activity, type Balance, type Plan, type PlanSubject } from './api.ts'

const STANCE: Record<Balance['stance'], { text: string; color: string }> = {
  giving: { text: 'Giving', color: 'brand' }, balanced: { text: 'Balanced', color: 'blue' }, taking: { text: 'Taking more than giving', color: 'orange' }, none: { text: 'Nothing given or asked yet', color: 'gray' },
}

function BalanceBar({ balance }: { balance: Balance }) {
  const total = balance.weGave + balance.weAsked
  return (
    <div>
      <Group justify="space-between" gap="xs">
        <Text fz="xs" c="dimmed">Give/ask, last 12 months: {balance.weGave} given · {balance.weAsked} asked · {balance.mutual} mutual</Text>
        <Badge size="sm" variant="light" color={STANCE[balance.stance].color} tt="none">{STANCE[balance.stance].text}</Badge>
      </Group>
      {total > 0 ? <Progress value={(balance.weGave / total) * 100} size="sm" mt={4} aria-label={`${Math.round((balance.weGave / total) * 100)}% of gives and asks were gives`} /> : null}
    </div>
  )
}

function ActivityRow({ a, recipients }: { a: Activity; recipients: string[] | undefined }) {
  const complete = useCompleteActivity()
  const color = a.status === 'done' ? 'brand' : a.isOverdue ? 'red' : 'gray'
  return (
    <Group component="li" justify="space-between" py={6} wrap="nowrap" style={{ borderTop: '1px solid var(--tend-border)' }}>
      <div style={{ minWidth: 0 }}>
        <Text fz="sm" fw={500} td={a.status === 'cancelled' ? 'line-through' : undefined}>{a.title}</Text>
        <Text fz="xs" c="dimmed">{label(ACTIVITY_KIND_LABELS, a.kind)} · {a.ownerName}{a.dueOn ? ` · due ${formatDate(a.dueOn)}` : ''}</Text>
      </div>
      {a.status === 'planned' ? (
        <Group gap={6} wrap="nowrap">
          {a.isOverdue ? <Badge size="sm" color="red" variant="light" tt="none">Overdue</Badge> : null}
          <Button size="xs" variant="light" leftSection={<IconCheck size={14} />} loading={complete.isPending} disabled={recipients?.length === 0}
            onClick={() => complete.mutate({ id: a.id, ...(recipients ? { stakeholderIds: recipients } : {}) })} aria-label={`Mark "${a.title}" done`}>Done</Button>
        </Group>
      ) : <Badge size="sm" color={color} variant="light" tt="none">{a.status === 'done' ? 'Given' : 'Cancelled'}</Badge>}
    </Group>
  )
}

function AddActivityForm({ planId }: { planId: string }) {
  const add = useAddActivity(planId)
  const [kind, setKind] = useState<string | null>('introduction')
  const [title, setTitle] = useState('')
  const [dueOn, setDueOn] = useState('')
  const errors = add.error instanceof ApiError ? add.error.fieldErrors : {}
  const submit = (e: FormEvent) => {
    e.preventDefault()
    add.mutate({ kind: kind ?? 'custom', title: title.trim(), dueOn: dueOn || null }, { onSuccess: () => { setTitle(''); setDueOn('') } })
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Plan something to give">
      <Group align="flex-start" gap="xs" wrap="wrap">
        <Select size="xs" label="Give" data={options(ACTIVITY_KIND_LABELS)} value={kind} onChange={setKind} allowDeselect={false} w={130} />
        <TextInput size="xs" label="What" placeholder="e.g. Introduce to our logistics partner" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} style={{ flex: '1 1 180px' }} />
        <TextInput size="xs" type="date" label="Due" value={dueOn} onChange={(e) => setDueOn(e.currentTarget.value)} error={errors.dueOn} w={140} />
        <Button size="xs" type="submit" mt={21} loading={add.isPending}>Add</Button>
      </Group>
    </form>
  )
}

function PlanView({ plan, recipients }: { plan: Plan; recipients: string[] | undefined }) {
  return (
    <Stack gap="sm">
      <Text fw={600} fz="sm">{plan.title}</Text>
      {plan.objectives.length ? (
        <div>
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts={0.4}>What they want to achieve</Text>
          <List size="sm" mt={4}>{plan.objectives.map((o) => <List.Item key={o}>{o}</List.Item>)}</List>
        </div>
      ) : null}
      <BalanceBar balance={plan.balance} />
      {plan.activities.length ? <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }}>{plan.activities.map((a) => <ActivityRow key={a.id} a={a} recipients={recipients} />)}</Stack> : <Text fz="sm" c="dimmed">Nothing planned yet: what could you give?</Text>}
      <AddActivityForm planId={plan.id} />
    </Stack>
  )
}

function NewPlanForm({ subject, subjectName }: { subject: PlanSubject; subjectName: string }) {
  const create = useCreatePlan()
  const [title, setTitle] = useState(`Relationship plan: ${subjectName}`)
  const [objectives, setObjectives] = useState('')
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  return (
    <form noValidate aria-label="Start a relationship plan" onSubmit={(e) => { e.preventDefault(); create.mutate({ ...subject, title: title.trim(), objectives: objectives.split('\n').map((o) => o.trim()).filter(Boolean) }) }}>
      <Stack gap="xs">
        <Text fz="sm" c="dimmed">A plan is a set of things to give, built on what they want to achieve.</Text>
        <TextInput size="xs" label="Plan title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} />
        <Textarea size="xs" label="Their objectives" description="One per line" autosize minRows={2} value={objectives} onChange={(e) => setObjectives(e.currentTarget.value)} error={errors.objectives} />
        <Group><Button size="xs" type="submit" loading={create.isPending}>Start plan</Button></Group>
      </Stack>
    </form>
  )
}

/** The relationship plan panel of a stakeholder or account page. For accounts, done activities go to `recipients`. */
export function PlanPanel({ subject, subjectName, recipients }: { subject: PlanSubject; subjectName: string; recipients?: string[] }) {
  const plans = usePlans(subject)
  if (plans.isPending) return <PageLoader />
  if (plans.isError) return <ErrorNotice error={plans.error} />
  if (plans.data.length === 0) return <NewPlanForm subject={subject} subjectName={subjectName} />
  return <Stack gap="lg">{plans.data.map((p) => <PlanView key={p.id} plan={p} recipients={recipients} />)}</Stack>
}
