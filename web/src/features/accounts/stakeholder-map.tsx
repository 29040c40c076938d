import { Box, Group, Text } from '@mantine/core'
import { useCallback } from 'react'
import { Link } from 'react-router'
import { ATTITUDE_LABELS } from '../../lib/format.ts'
import type { Stakeholder } from '../../lib/types.ts'
import { ATTITUDE_COLORS, AttitudeText, InfluenceMeter } from '../stakeholders/attitude.tsx'
import classes from './stakeholder-map.module.css'

type Node = { stakeholder: Stakeholder; children: Node[] }

/** Reporting lines as a tree; people whose manager is not at this account are roots. */
function buildTree(stakeholders: Stakeholder[]): Node[] {
  const ids = new Set(stakeholders.map((s) => s.id))
  const nodes = new Map(stakeholders.map((s) => [s.id, { stakeholder: s, children: [] as Node[] }]))
  const roots: Node[] = []
  for (const s of stakeholders) {
    const node = nodes.get(s.id)!
    const parent = s.reportsToId && ids.has(s.reportsToId) && s.reportsToId !== s.id ? nodes.get(s.reportsToId) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const byInfluence = (a: Node, b: Node) => b.stakeholder.influence - a.stakeholder.influence || a.stakeholder.name.localeCompare(b.stakeholder.name)
  const sortDeep = (list: Node[]) => { list.sort(byInfluence); list.forEach((n) => sortDeep(n.children)) }
  sortDeep(roots)
  return roots
}

function PersonCard({ s, trust }: { s: Stakeholder; trust?: number }) {
  return (
    <Box className={classes.card} style={{ borderTopColor: `var(--mantine-color-${ATTITUDE_COLORS[s.attitude] ?? 'gray'}-5)` }}>
      <Link to={`/stakeholders/${s.id}`} className="tend-link" style={{ fontWeight: 600, fontSize: 13, display: 'block' }}>{s.name}</Link>
      <Text fz={11} c="dimmed" lineClamp={2} mt={2}>{s.title ?? ' '}</Text>
      <Group justify="space-between" mt={6} wrap="nowrap" gap={4}>
        <AttitudeText attitude={s.attitude} />
        <Group gap={6} wrap="nowrap">
          {trust !== undefined ? <Text fz={11} fw={600} aria-label={`Trust ${Math.round(trust)}`}>{Math.round(trust)}</Text> : null}
          <InfluenceMeter value={s.influence} />
        </Group>
      </Group>
    </Box>
  )
}

function Branch({ nodes, trustOf }: { nodes: Node[]; trustOf: (id: string) => number | undefined }) {
  return (
    <ul>
      {nodes.map((n) => (
        <li key={n.stakeholder.id}>
          <PersonCard s={n.stakeholder} trust={trustOf(n.stakeholder.id)} />
          {n.children.length > 0 ? <Branch nodes={n.children} trustOf={trustOf} /> : null}
        </li>
      ))}
    </ul>
  )
}

export function OrgChart({ stakeholders, trustOf }: { stakeholders: Stakeholder[]; trustOf: (id: string) => number | undefined }) {
  const roots = buildTree(stakeholders)
  // A wide chart starts scrolled to its middle, where the top of the hierarchy is.
  const centre = useCallback((el: HTMLDivElement | null) => {
    if (el) el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2
  }, [])
  return (
    <Box ref={centre} className={classes.scroller} tabIndex={0} aria-label="Organisation chart by reporting line" role="region">
      <div className={classes.org}><Branch nodes={roots} trustOf={trustOf} /></div>
    </Box>
  )
}

const ATTITUDE_ORDER = ['champion', 'supporter', 'neutral', 'skeptic', 'detractor'] as const

function cellTint(influence: number, attitude: string) {
  if (influence >= 4 && (attitude === 'detractor' || attitude === 'skeptic')) return 'var(--mantine-color-red-0)'
  if (influence >= 4 && (attitude === 'champion' || attitude === 'supporter')) return 'var(--mantine-color-green-0)'
  return undefined
}

/** Where each stakeholder stands: influence (rows, high at the top) against attitude (columns). */
export function InfluenceGrid({ stakeholders }: { stakeholders: Stakeholder[] }) {
  return (
    <Box className={classes.scroller}>
      <table className={classes.grid}>
        <caption className={classes.caption}>Influence (rows, 5 = decides) by attitude towards us (columns). High-influence skeptics and detractors are tinted red.</caption>
        <thead>
          <tr>
            <th scope="col"><Text fz="xs" c="dimmed">Influence</Text></th>
            {ATTITUDE_ORDER.map((a) => (
              <th key={a} scope="col"><Text fz="xs" fw={600} c={`${ATTITUDE_COLORS[a]}.8`}>{ATTITUDE_LABELS[a]}</Text></th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[5, 4, 3, 2, 1].map((influence) => (
            <tr key={influence}>
              <th scope="row"><Text fz="sm" fw={600}>{influence}</Text></th>
              {ATTITUDE_ORDER.map((a) => {
                const here = stakeholders.filter((s) => s.influence === influence && s.attitude === a)
                return (
                  <td key={a} style={{ background: cellTint(influence, a) }}>
                    {here.map((s) => (
                      <Link key={s.id} to={`/stakeholders/${s.id}`} className={classes.chip}>{s.name}</Link>
                    ))}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Box>
  )
}
