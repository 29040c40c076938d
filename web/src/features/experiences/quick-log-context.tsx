import { Modal } from '@mantine/core'
import { useHotkeys, useMediaQuery } from '@mantine/hooks'
import { createContext, lazy, Suspense, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { PageLoader } from '../../components/page.tsx'

export type StakeholderChoice = { id: string; name: string; accountName?: string | null }

type QuickLog = { open: (preset?: { stakeholders?: StakeholderChoice[] }) => void }

const QuickLogContext = createContext<QuickLog>({ open: () => undefined })

// The form is its own chunk: it loads when first opened (and is prefetched when idle).
const QuickLogForm = lazy(() => import('./quick-log-form.tsx').then((m) => ({ default: m.QuickLogForm })))
export const prefetchQuickLog = () => void import('./quick-log-form.tsx')

/** "Log experience" from anywhere: the button in the top bar, the L key, or a page's own button. */
export function QuickLogProvider({ children }: { children: ReactNode }) {
  const [preset, setPreset] = useState<StakeholderChoice[] | null>(null)
  const open = useCallback((p?: { stakeholders?: StakeholderChoice[] }) => setPreset(p?.stakeholders ?? []), [])
  const close = useCallback(() => setPreset(null), [])
  useHotkeys([['l', () => open()]])
  const isPhone = useMediaQuery('(max-width: 36em)')
  const value = useMemo(() => ({ open }), [open])

  return (
    <QuickLogContext.Provider value={value}>
      {children}
      <Modal opened={preset !== null} onClose={close} title="Log an experience" size="lg" fullScreen={isPhone} yOffset="6vh"
        styles={{ title: { fontWeight: 600, fontSize: 'var(--mantine-font-size-lg)' } }}>
        {preset !== null ? (
          <Suspense fallback={<PageLoader />}>
            <QuickLogForm preset={preset} onDone={close} />
          </Suspense>
        ) : null}
      </Modal>
    </QuickLogContext.Provider>
  )
}

export function useQuickLog() {
  return useContext(QuickLogContext)
}
