import { MultiSelect, Text } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useState } from 'react'
import { useStakeholderSearch } from '../stakeholders/api.ts'
import type { StakeholderChoice } from './quick-log-context.tsx'

/** Pick one or more stakeholders by typing part of a name, email, title or company. */
export function StakeholderPicker({ value, onChange, error, autoFocus }: { value: StakeholderChoice[]; onChange: (v: StakeholderChoice[]) => void; error?: string; autoFocus?: boolean }) {
  const [search, setSearch] = useState('')
  const [term] = useDebouncedValue(search, 120)
  const found = useStakeholderSearch(term, 10)
  const known = new Map<string, StakeholderChoice>(value.map((s) => [s.id, s]))
  for (const s of found.data ?? []) if (!known.has(s.id)) known.set(s.id, { id: s.id, name: s.name, accountName: s.accountName })
  const data = [...known.values()].map((s) => ({ value: s.id, label: s.name }))

  return (
    <MultiSelect
      label="Who"
      placeholder={value.length ? '' : 'Type a name, company or email'}
      data={data}
      value={value.map((s) => s.id)}
      onChange={(ids) => {
        onChange(ids.map((id) => known.get(id)).filter((s): s is StakeholderChoice => s !== undefined))
        setSearch('')
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={term ? (found.isFetching ? 'Searching…' : 'No stakeholder matches') : undefined}
      renderOption={({ option }) => {
        const s = known.get(option.value)
        return (
          <div>
            <Text fz="sm">{option.label}</Text>
            {s?.accountName ? <Text fz="xs" c="dimmed">{s.accountName}</Text> : null}
          </div>
        )
      }}
      error={error}
      required
      autoFocus={autoFocus}
      hidePickedOptions
      maxDropdownHeight={260}
      comboboxProps={{ withinPortal: true }}
    />
  )
}
