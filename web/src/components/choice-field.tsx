import { Input, SegmentedControl } from '@mantine/core'
import { useId } from 'react'

type Option = { value: string; label: string }

/** A labelled row of mutually exclusive buttons (a radio group), for short closed choices. */
export function ChoiceField({ label, value, onChange, data, error, color, size = 'sm' }: { label: string; value: string; onChange: (v: string) => void; data: Option[]; error?: string; color?: string; size?: 'xs' | 'sm' }) {
  const id = useId()
  return (
    <Input.Wrapper label={label} labelProps={{ id, component: 'div' }} error={error}>
      <SegmentedControl aria-labelledby={id} value={value} onChange={onChange} data={data} fullWidth size={size} color={color} mt={4} radius="md"
        styles={{ label: { paddingInline: 4 } }} />
    </Input.Wrapper>
  )
}
