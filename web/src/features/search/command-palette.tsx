import { Badge, Group, Loader, Text } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { Spotlight } from '@mantine/spotlight'
import { IconBuilding, IconPlus, IconSearch, IconUser, IconUserCircle } from '@tabler/icons-react'
import { useQuery } from '@tanstack/react-query'
import { useState, type ReactNode } from 'react'
import { useNavigate } from 'react-router'
import { api, type Page } from '../../lib/api-client.ts'
import { label, ROLE_LABELS, TIER_LABELS } from '../../lib/format.ts'
import type { Account, Stakeholder } from '../../lib/types.ts'
import { useQuickLog } from '../experiences/quick-log-context.tsx'
import { useStakeholderSearch } from '../stakeholders/api.ts'
import { useUsers } from '../users/api.ts'

type Result = { id: string; group: string; title: string; description?: string; icon: ReactNode; badge?: string; run: () => void }

/** Ctrl/Cmd-K: find an account, a stakeholder or a colleague, or start logging an experience. */
export function CommandPalette() {
  const navigate = useNavigate()
  const quickLog = useQuickLog()
  const [query, setQuery] = useState('')
  const [term] = useDebouncedValue(query.trim(), 120)
  const accounts = useQuery({
    queryKey: ['accounts', 'search', term],
    queryFn: ({ signal }) => api<Page<Account>>('/accounts', { query: { q: term, limit: 5 }, signal }).then((r) => r.items),
    enabled: term.length > 0,
    staleTime: 10_000,
  })
  const stakeholders = useStakeholderSearch(term, 6)
  const users = useUsers()

  const results: Result[] = []
  const lower = term.toLowerCase()
  if (term) {
    for (const s of stakeholders.data ?? []) {
      results.push({ id: `s-${s.id}`, group: 'Stakeholders', title: s.name, description: [s.title, s.accountName].filter(Boolean).join(' · '), icon: <IconUser size={18} stroke={1.6} />, run: () => void navigate(`/stakeholders/${s.id}`) })
    }
    for (const a of accounts.data ?? []) {
      results.push({ id: `a-${a.id}`, group: 'Accounts', title: a.name, description: a.industry ?? undefined, badge: label(TIER_LABELS, a.tier), icon: <IconBuilding size={18} stroke={1.6} />, run: () => void navigate(`/accounts/${a.id}`) })
    }
    for (const u of (users.data ?? []).filter((u) => u.name.toLowerCase().includes(lower) || u.email.toLowerCase().includes(lower)).slice(0, 5)) {
      results.push({ id: `u-${u.id}`, group: 'People', title: u.name, description: `${label(ROLE_LABELS, u.role)} · ${u.email}`, icon: <IconUserCircle size={18} stroke={1.6} />, run: () => void navigate(`/team?person=${u.id}`) })
    }
  }
  results.push({ id: 'log', group: 'Actions', title: 'Log an experience', description: 'Shortcut: L', icon: <IconPlus size={18} stroke={1.6} />, run: () => quickLog.open(firstStakeholder(stakeholders.data, term)) })
  const isLoading = Boolean(term) && (accounts.isFetching || stakeholders.isFetching)
  const groups = [...new Set(results.map((r) => r.group))]

  return (
    <Spotlight.Root query={query} onQueryChange={setQuery} shortcut={['mod + K', '/']} scrollable maxHeight={420} onSpotlightClose={() => setQuery('')}>
      <Spotlight.Search placeholder="Search accounts, stakeholders, people…" leftSection={isLoading ? <Loader size={16} /> : <IconSearch size={18} stroke={1.6} />} aria-label="Search" />
      <Spotlight.ActionsList aria-label="Results">
        {groups.map((group) => (
          <Spotlight.ActionsGroup key={group} label={group}>
            {results.filter((r) => r.group === group).map((r) => (
              <Spotlight.Action key={r.id} onClick={r.run}>
                <Group wrap="nowrap" gap="sm" w="100%">
                  <Text c="dimmed" style={{ display: 'flex' }} aria-hidden="true">{r.icon}</Text>
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <Text fz="sm" fw={500} className="tend-nowrap">{r.title}</Text>
                    {r.description ? <Text fz="xs" c="dimmed" className="tend-nowrap">{r.description}</Text> : null}
                  </div>
                  {r.badge ? <Badge variant="light" color="gray" size="sm" tt="none">{r.badge}</Badge> : null}
                </Group>
              </Spotlight.Action>
            ))}
          </Spotlight.ActionsGroup>
        ))}
        {term && !isLoading && results.length === 1 ? <Spotlight.Empty>Nothing found for “{term}”</Spotlight.Empty> : null}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  )
}

function firstStakeholder(found: Stakeholder[] | undefined, term: string) {
  const first = term ? found?.[0] : undefined
  return first ? { stakeholders: [{ id: first.id, name: first.name, accountName: first.accountName }] } : undefined
}
