import { Anchor, Group } from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'

/** A link that downloads a table as CSV (the same endpoint with format=csv). */
export function CsvLink({ href, label }: { href: string; label: string }) {
  return <Anchor href={href} download fz="sm" aria-label={`Export ${label} as CSV`}><Group gap={4} wrap="nowrap"><IconDownload size={14} aria-hidden="true" />CSV</Group></Anchor>
}
