import { Alert, Badge, Box, Button, Group, Select, Text, TextInput } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react'
import { Link, useSearchParams } from 'react-router'
import { EmptyState, ErrorNotice, Page, PageLoader } from '../../components/page.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { formatDate, label, options, STATUS_LABELS, TIER_LABELS } from '../../lib/format.ts'
import { TrustScore } from '../trust/trust-badge.tsx'
import { useUserMap, useUsers } from '../users/api.ts'
import { useAccountList, type AccountFilters, type AccountWithTrust } from './api.ts'
import { NewAccountButton } from './account-form.tsx'

const SORTS = [
  { value: 'name', label: 'Name A–Z' },
  { value: '-name', label: 'Name Z–A' },
  { value: '-trust', label: 'Trust, highest first' },
  { value: 'trust', label: 'Trust, lowest first' },
  { value: '-updatedAt', label: 'Recently updated' },
]
const ROW_HEIGHT = 56
const STATUS_COLORS: Record<string, string> = { prospect: 'gray', active: 'green', at_risk: 'orange', churned: 'red' }
const COLUMNS = 'minmax(0,2.4fr) minmax(0,0.8fr) minmax(0,0.8fr) minmax(0,1.2fr) minmax(0,1.1fr) minmax(0,0.8fr)'

function AccountRow({ account, ownerName, style, index }: { account: AccountWithTrust; ownerName: string; style: CSSProperties; index: number }) {
  return (
    <div role="row" aria-rowindex={index} className="tend-row tend-account-row" style={{ ...style, display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center', gap: 12, padding: '0 16px', borderBottom: '1px solid var(--tend-border)' }}>
      <div role="cell" style={{ minWidth: 0 }}>
        <Link to={`/accounts/${account.id}`} className="tend-link" style={{ fontWeight: 500, fontSize: 14, display: 'block' }}><span className="tend-nowrap" style={{ display: 'block' }}>{account.name}</span></Link>
        <Text fz="xs" c="dimmed" className="tend-nowrap">{[account.industry, account.domains[0]].filter(Boolean).join(' · ') || ' '}</Text>
      </div>
      <div role="cell"><Badge variant={account.tier === 'strategic' ? 'filled' : 'light'} color={account.tier === 'standard' ? 'gray' : 'brand'} size="sm" tt="none">{label(TIER_LABELS, account.tier)}</Badge></div>
      <div role="cell" className="tend-hide-mobile"><Badge variant="dot" color={STATUS_COLORS[account.status] ?? 'gray'} size="sm" tt="none">{label(STATUS_LABELS, account.status)}</Badge></div>
      <div role="cell" className="tend-hide-mobile"><Text fz="sm" className="tend-nowrap">{ownerName}</Text></div>
      <div role="cell"><TrustScore trust={account.trust} /></div>
      <div role="cell" className="tend-hide-mobile"><Text fz="xs" c="dimmed">{formatDate(account.updatedAt)}</Text></div>
    </div>
  )
}

export function AccountListPage() {
  const [params, setParams] = useSearchParams()
  const [q, setQ] = useState(params.get('q') ?? '')
  const [term] = useDebouncedValue(q.trim(), 200)
  const filters: AccountFilters = {
    q: term || undefined,
    tier: params.get('tier') ?? undefined,
    status: params.get('status') ?? undefined,
    ownerId: params.get('owner') ?? undefined,
    sort: params.get('sort') ?? 'name',
  }
  const list = useAccountList(filters)
  const users = useUsers()
  const userMap = useUserMap()
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data])
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    if (lastIndex >= rows.length - 20 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage()
  }, [lastIndex, rows.length, list])

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    setParams(next, { replace: true })
  }
  const sortUnavailable = list.error instanceof ApiError && list.error.status === 400 && (filters.sort ?? '').includes('trust')

  return (
    <Page title="Accounts" subtitle={list.data ? `${rows.length}${list.hasNextPage ? '+' : ''} accounts` : ' '} maw={1400} actions={<NewAccountButton />}>
      <Group gap="sm" mb="md" wrap="wrap">
        <TextInput aria-label="Search accounts" placeholder="Search by name or domain" leftSection={<IconSearch size={16} />} value={q} style={{ flex: '1 1 220px' }}
          onChange={(e) => { setQ(e.currentTarget.value); setParam('q', e.currentTarget.value.trim() || null) }} />
        <Select aria-label="Tier" placeholder="All tiers" data={options(TIER_LABELS)} value={filters.tier ?? null} onChange={(v) => setParam('tier', v)} clearable w={140} />
        <Select aria-label="Status" placeholder="Any status" data={options(STATUS_LABELS)} value={filters.status ?? null} onChange={(v) => setParam('status', v)} clearable w={140} />
        <Select aria-label="Owner" placeholder="Any owner" data={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} value={filters.ownerId ?? null} onChange={(v) => setParam('owner', v)} clearable searchable w={180} />
        <Select aria-label="Sort" data={SORTS} value={filters.sort ?? 'name'} onChange={(v) => setParam('sort', v)} allowDeselect={false} w={200} />
      </Group>
      {sortUnavailable ? (
        <Alert color="yellow" variant="light" mb="md">Sorting by trust is not available on this server yet. <Button variant="subtle" size="compact-xs" onClick={() => setParam('sort', 'name')}>Sort by name</Button></Alert>
      ) : list.isError ? <ErrorNotice error={list.error} /> : null}
      <Box className="tend-card" role="table" aria-label="Accounts" aria-rowcount={rows.length + 1} style={{ overflow: 'hidden' }}>
        <div role="rowgroup">
          <div role="row" style={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 12, padding: '10px 16px', borderBottom: '1px solid var(--tend-border)', background: 'var(--mantine-color-gray-0)' }} className="tend-account-row">
            {['Account', 'Tier', 'Status', 'Owner', 'Trust', 'Updated'].map((h) => (
              <Text key={h} role="columnheader" fz="xs" fw={600} c="dimmed" tt="uppercase" lts={0.4} className={['Status', 'Owner', 'Updated'].includes(h) ? 'tend-hide-mobile' : undefined}>{h}</Text>
            ))}
          </div>
        </div>
        {list.isPending ? <PageLoader /> : rows.length === 0 && !list.isError ? (
          <EmptyState title="No accounts match">Try another search or clear the filters.</EmptyState>
        ) : (
          <div ref={scrollRef} role="rowgroup" style={{ height: 'calc(100dvh - 260px)', minHeight: 320, overflowY: 'auto', contain: 'strict' }} tabIndex={-1}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((v) => {
                const account = rows[v.index]
                if (!account) return null
                return <AccountRow key={account.id} index={v.index + 2} account={account} ownerName={account.ownerId ? (userMap.get(account.ownerId)?.name ?? '…') : '—'}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }} />
              })}
            </div>
            {list.isFetchingNextPage ? <Text fz="xs" c="dimmed" ta="center" py="xs">Loading more…</Text> : null}
          </div>
        )}
      </Box>
      <Text fz="xs" c="dimmed" mt="xs">Tip: press Ctrl+K to jump to any account or person.</Text>
    </Page>
  )
}
