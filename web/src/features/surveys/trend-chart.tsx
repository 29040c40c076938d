import { Table } from '@mantine/core'
import { formatInterval, formatScore, type Results, type SurveyKind } from './api.ts'

/**
 * The score per period with its 95 % interval as a whisker: a small SVG (hidden from screen
 * readers) plus the same figures as a table for them and for anyone who wants numbers.
 */
export function TrendChart({ kind, trend }: { kind: SurveyKind; trend: Results['trend'] }) {
  const [lo, hi] = kind === 'nps' ? [-100, 100] : [0, 100]
  const w = 560
  const h = 160
  const pad = 28
  const x = (i: number) => pad + (trend.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (trend.length - 1))
  const y = (v: number) => h - pad / 2 - ((v - lo) / (hi - lo)) * (h - pad)
  const points = trend.map((t, i) => (t.stats.score === null ? null : `${x(i)},${y(t.stats.score)}`)).filter(Boolean)
  return (
    <div>
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" style={{ maxWidth: w, display: 'block' }} aria-hidden="true">
        <line x1={pad} x2={w - pad} y1={y(kind === 'nps' ? 0 : 50)} y2={y(kind === 'nps' ? 0 : 50)} stroke="#ddd" strokeDasharray="4 4" />
        {trend.map((t, i) => t.stats.ci ? <line key={`ci-${t.period}`} x1={x(i)} x2={x(i)} y1={y(t.stats.ci.low)} y2={y(t.stats.ci.high)} stroke="#9bb8ad" strokeWidth={6} strokeLinecap="round" /> : null)}
        {points.length > 1 ? <polyline points={points.join(' ')} fill="none" stroke="#2f6f5e" strokeWidth={2} /> : null}
        {trend.map((t, i) => t.stats.score === null ? null : <circle key={t.period} cx={x(i)} cy={y(t.stats.score)} r={4} fill="#2f6f5e" />)}
        {trend.map((t, i) => <text key={`l-${t.period}`} x={x(i)} y={h - 2} fontSize={10} textAnchor="middle" fill="#666">{t.period.slice(0, 7)}</text>)}
      </svg>
      <Table.ScrollContainer minWidth={360}>
        <Table fz="sm" verticalSpacing={4} mt="xs" aria-label="Trend by period">
          <Table.Thead><Table.Tr><Table.Th>Period from</Table.Th><Table.Th>Score</Table.Th><Table.Th>Interval</Table.Th><Table.Th>n</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>{trend.map((t) => <Table.Tr key={t.period}><Table.Td>{t.period}</Table.Td><Table.Td>{formatScore(kind, t.stats)}</Table.Td><Table.Td>{formatInterval(t.stats)}</Table.Td><Table.Td>{t.stats.n ?? '< 5'}</Table.Td></Table.Tr>)}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  )
}
