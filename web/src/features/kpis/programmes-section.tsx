import { Button, Group, MultiSelect, Select, Stack, Table, Text, TextInput } from '@mantine/core'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { EmptyState, ErrorNotice, PageLoader, Section } from '../../components/page.tsx'
import { api, ApiError } from '../../lib/api-client.ts'
import { formatDate } from '../../lib/format.ts'
import { useUsers } from '../users/api.ts'
import { csvUrl, pct, useProgrammes, useProgress, type Programme, type Progress } from './api.ts'
import { CsvLink } from './csv-link.tsx'

type Group = Progress['weeks'][number]['cohort']
const fmt = (g: Group | undefined) => (g ? `${g.trustAvg ?? '—'} · ${pct(g.coverage)} · ${g.coldPerUser ?? '—'}` : '—')
const sign = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x}`)

function NewProgramme({ onCreated }: { onCreated: (p: Programme) => void }) {
  const users = useUsers()
  const client = useQueryClient()
  const [name, setName] = useState('')
  const [startedOn, setStartedOn] = useState(new Date().toISOString().slice(0, 10))
  const [userIds, setUserIds] = useState<string[]>([])
  const create = useMutation({
    mutationFn: () => api<Programme>('/programmes', { method: 'POST', body: { name, startedOn, userIds } }),
    onSuccess: (p) => { void client.invalidateQueries({ queryKey: ['programmes'] }); setName(''); setUserIds([]); onCreated(p) },
  })
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {}
  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <TextInput size="xs" label="New programme" placeholder="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} />
      <TextInput size="xs" type="date" label="Starts" value={startedOn} onChange={(e) => setStartedOn(e.currentTarget.value)} error={errors.startedOn} />
      <MultiSelect size="xs" label="Cohort" placeholder="People" searchable data={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} value={userIds} onChange={setUserIds} error={errors.userIds} w={260} />
      <Button size="xs" onClick={() => create.mutate()} loading={create.isPending} disabled={!name || userIds.length === 0}>Enrol</Button>
    </Group>
  )
}

/** Cohorts enrolled in a relationship programme: baseline, progress, and everyone else for comparison. */
export function ProgrammesSection({ canCreate }: { canCreate: boolean }) {
  const list = useProgrammes()
  const [selected, setSelected] = useState<string | null>(null)
  const id = selected ?? list.data?.[0]?.id ?? null
  const progress = useProgress(id)
  return (
    <Section id="programmes" title="Programmes" description="Cohort vs its baseline week and vs people not enrolled. Columns: average trust · key coverage · cold per person"
      actions={id ? <CsvLink href={csvUrl(`/programmes/${id}/progress`)} label="programme progress" /> : undefined}>
      <Stack gap="md">
        {canCreate ? <NewProgramme onCreated={(p) => setSelected(p.id)} /> : null}
        {list.isPending ? <PageLoader /> : list.isError ? <ErrorNotice error={list.error} /> : list.data.length === 0 ? <EmptyState title="No programmes yet" /> : (
          <>
            <Select size="xs" w={320} label="Programme" value={id} onChange={setSelected} data={list.data.map((p) => ({ value: p.id, label: `${p.name} (from ${formatDate(p.startedOn)}, ${p.memberCount} people)` }))} allowDeselect={false} />
            {progress.isPending ? <PageLoader /> : progress.isError ? <ErrorNotice error={progress.error} /> : (
              <>
                {progress.data.latestVsBaseline ? (
                  <Text fz="sm">Since the baseline week of {formatDate(progress.data.baselineWeek)}: cohort trust {sign(progress.data.latestVsBaseline.cohort.trustAvg)}, coverage {sign(progress.data.latestVsBaseline.cohort.coverage)}; others trust {sign(progress.data.latestVsBaseline.others.trustAvg)}, coverage {sign(progress.data.latestVsBaseline.others.coverage)}.</Text>
                ) : null}
                <Table.ScrollContainer minWidth={520}>
                  <Table verticalSpacing={4} fz="sm">
                    <Table.Thead><Table.Tr><Table.Th>Week</Table.Th><Table.Th>Cohort</Table.Th><Table.Th>Not enrolled</Table.Th></Table.Tr></Table.Thead>
                    <Table.Tbody>
                      {progress.data.weeks.slice(-12).map((w) => (
                        <Table.Tr key={w.weekStart}><Table.Td>{formatDate(w.weekStart)}{w.weekStart === progress.data.baselineWeek ? ' (baseline)' : ''}</Table.Td><Table.Td>{fmt(w.cohort)}</Table.Td><Table.Td>{fmt(w.others)}</Table.Td></Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                <Text fz="xs" c="dimmed">{progress.data.notes.join(' ')}</Text>
              </>
            )}
          </>
        )}
      </Stack>
    </Section>
  )
}
