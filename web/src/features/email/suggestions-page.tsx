import { Anchor, Button, Checkbox, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconMailPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { Link } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader, Section } from '../../components/page.tsx'
import { useAcceptSuggestions, useSuggestions, type SuggestedDomain } from './api.ts'

const THRESHOLDS = ['2', '3', '5', '10']

function DomainSection({ group, selected, toggle }: { group: SuggestedDomain; selected: Set<string>; toggle: (addresses: string[], on: boolean) => void }) {
  const addresses = group.people.map((p) => p.address)
  const chosen = addresses.filter((a) => selected.has(a)).length
  const description = group.accountId
    ? <>Account <Anchor component={Link} to={`/accounts/${group.accountId}`} fz="sm">{group.accountName}</Anchor> · {group.messages} messages</>
    : <>New account “{group.domain}” · {group.messages} messages</>
  return (
    <Section title={group.domain} description={description} id={`domain-${group.domain.replace(/[^a-z0-9]/gi, '-')}`}
      actions={<Checkbox label="All" checked={chosen === addresses.length} indeterminate={chosen > 0 && chosen < addresses.length} onChange={(e) => toggle(addresses, e.currentTarget.checked)} />}>
      <Table.ScrollContainer minWidth={300}>
        <Table verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr><Table.Th w={40}><span className="sr-only">Add</span></Table.Th><Table.Th>Person</Table.Th><Table.Th ta="right">Messages</Table.Th><Table.Th ta="right" visibleFrom="sm">Last</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {group.people.map((p) => (
              <Table.Tr key={p.address}>
                <Table.Td><Checkbox aria-label={`Add ${p.name ?? p.address}`} checked={selected.has(p.address)} onChange={(e) => toggle([p.address], e.currentTarget.checked)} /></Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}><Text fz="sm" fw={500}>{p.name ?? p.address}</Text>{p.name ? <Text fz="xs" c="dimmed">{p.address}</Text> : null}</Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>{p.messages}</Table.Td>
                <Table.Td ta="right" visibleFrom="sm"><Text fz="sm" c="dimmed">{p.lastAt.slice(0, 10)}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Section>
  )
}

/** Frequent correspondents from captured mail who are not stakeholders yet: pick and add them in bulk. */
export function SuggestionsPage() {
  const [threshold, setThreshold] = useState('3')
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const suggestions = useSuggestions(Number(threshold))
  const accept = useAcceptSuggestions()
  const toggle = (addresses: string[], on: boolean) => setSelected((before) => {
    const next = new Set(before)
    for (const a of addresses) if (on) next.add(a); else next.delete(a)
    return next
  })
  const people = (suggestions.data ?? []).flatMap((d) => d.people).filter((p) => selected.has(p.address))
  const add = () => accept.mutate(people.map((p) => ({ address: p.address, ...(p.name ? { name: p.name } : {}) })), {
    onSuccess: (r) => {
      setSelected(new Set())
      notifications.show({ color: 'brand', title: `${r.stakeholdersCreated} stakeholders added`, message: `${r.accountsCreated} new accounts; ${r.experiencesCreated} captured messages became experiences.` })
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Could not add them', message: err.message }),
  })

  return (
    <Page title="Suggestions" subtitle="People who write with your team often but are not stakeholders yet, from captured mail"
      actions={<Button leftSection={<IconMailPlus size={16} />} disabled={people.length === 0} loading={accept.isPending} onClick={add}>Add {people.length || ''} as stakeholders</Button>}>
      <Stack gap="lg">
        <Group gap="sm">
          <Text fz="sm" id="threshold-label">At least</Text>
          <SegmentedControl aria-labelledby="threshold-label" size="xs" data={THRESHOLDS} value={threshold} onChange={setThreshold} />
          <Text fz="sm">messages with your team</Text>
        </Group>
        {suggestions.isPending ? <PageLoader /> : suggestions.isError ? <ErrorNotice error={suggestions.error} /> : suggestions.data.length === 0 ? (
          <Section title="Nothing to suggest"><EmptyState title="No frequent correspondents without a stakeholder" icon={<IconMailPlus size={28} />}>Import mail with <code>tend import &lt;mbox or maildir&gt;</code>, or lower the threshold.</EmptyState></Section>
        ) : suggestions.data.map((group) => <DomainSection key={group.domain} group={group} selected={selected} toggle={toggle} />)}
      </Stack>
    </Page>
  )
}
