import 'uplot/dist/uPlot.min.css'
import { Box } from '@mantine/core'
import { useElementSize } from '@mantine/hooks'
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import type { TrustPoint } from '../../lib/types.ts'

const BRAND = '#0f766e'

/** A small line chart of trust (0–100) over time, with an optional target line. */
export function TrendChart({ points, target, height = 160, label }: { points: TrustPoint[]; target?: number; height?: number; label: string }) {
  const { ref: sizeRef, width } = useElementSize()
  const holder = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!holder.current || width < 50 || points.length === 0) return
    const xs = points.map((p) => new Date(p.at).getTime() / 1000)
    const ys = points.map((p) => p.score)
    const series: uPlot.Series[] = [{}, { label: 'Trust', stroke: BRAND, width: 2, fill: 'rgba(15,118,110,0.08)', points: { show: false } }]
    const data: uPlot.AlignedData = [xs, ys]
    if (target !== undefined) {
      series.push({ label: 'Target', stroke: '#adb5bd', width: 1, dash: [4, 4], points: { show: false } })
      data.push(xs.map(() => target))
    }
    const axis = { stroke: '#868e96', grid: { stroke: '#f1f3f5', width: 1 }, ticks: { show: false }, font: '11px system-ui, sans-serif' }
    const chart = new uPlot({
      width,
      height,
      series,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: [0, 100] } },
      axes: [axis, { ...axis, size: 32, splits: () => [0, 25, 50, 75, 100] }],
    }, data, holder.current)
    return () => chart.destroy()
  }, [points, target, width, height])

  return (
    <Box ref={sizeRef} w="100%">
      <div ref={holder} role="img" aria-label={label} />
    </Box>
  )
}
