import { AppShell, Burger, Button, Group, Kbd, Menu, NavLink, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { spotlight } from '@mantine/spotlight'
import { IconAdjustments, IconAlertTriangle, IconBuilding, IconChartLine, IconChecklist, IconChevronDown, IconLogout, IconMailPlus, IconMessageCircle, IconPlus, IconSearch, IconSettings, IconSun, IconUsersGroup } from '@tabler/icons-react'
import { useEffect, type ReactNode } from 'react'
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router'
import { hasRole, useCurrentSession, useLogout } from '../../features/auth/api.ts'
import { prefetchQuickLog, QuickLogProvider, useQuickLog } from '../../features/experiences/quick-log-context.tsx'
import { CommandPalette } from '../../features/search/command-palette.tsx'
import { initials, label, ROLE_LABELS } from '../../lib/format.ts'
import { Logo } from '../logo.tsx'

type NavItem = { to: string; label: string; icon: ReactNode; end?: boolean }

function navItems(isManager: boolean, isAdmin: boolean, hasRecords = true): NavItem[] {
  const items: NavItem[] = [
    { to: '/', label: 'Today', icon: <IconSun size={18} stroke={1.6} />, end: true },
    { to: '/accounts', label: 'Accounts', icon: <IconBuilding size={18} stroke={1.6} /> },
  ]
  if (hasRecords) items.push({ to: '/suggestions', label: 'Suggestions', icon: <IconMailPlus size={18} stroke={1.6} /> })
  items.push({ to: '/surveys', label: 'Surveys', icon: <IconMessageCircle size={18} stroke={1.6} /> })
  items.push({ to: '/escalations', label: 'Escalations', icon: <IconAlertTriangle size={18} stroke={1.6} /> })
  if (isManager) items.push({ to: '/team', label: 'Team', icon: <IconUsersGroup size={18} stroke={1.6} /> })
  if (isManager) items.push({ to: '/reviews', label: 'Reviews', icon: <IconChecklist size={18} stroke={1.6} /> })
  items.push({ to: '/kpis', label: 'KPIs', icon: <IconChartLine size={18} stroke={1.6} /> })
  if (isAdmin) items.push({ to: '/admin', label: 'Admin', icon: <IconAdjustments size={18} stroke={1.6} /> })
  return items
}

function SearchButton() {
  return (
    <UnstyledButton onClick={() => spotlight.open()} aria-keyshortcuts="Control+K Meta+K"
      style={{ border: '1px solid var(--tend-border)', borderRadius: 8, padding: '6px 10px', background: 'white', minWidth: 0, flex: '0 1 340px' }}>
      <Group gap={8} wrap="nowrap">
        <IconSearch size={16} stroke={1.6} color="var(--mantine-color-gray-6)" aria-hidden="true" />
        <Text fz="sm" c="dimmed" className="tend-nowrap" style={{ flex: 1 }}>Search…</Text>
        <Group gap={2} visibleFrom="sm" aria-hidden="true"><Kbd size="xs">Ctrl</Kbd><Kbd size="xs">K</Kbd></Group>
      </Group>
    </UnstyledButton>
  )
}

function LogButton() {
  const quickLog = useQuickLog()
  return (
    <Button leftSection={<IconPlus size={16} />} onClick={() => quickLog.open()} onMouseEnter={prefetchQuickLog} aria-keyshortcuts="L" size="sm">
      <Text span fz="sm" fw={600} visibleFrom="xs">Log experience</Text>
      <Text span fz="sm" fw={600} hiddenFrom="xs">Log</Text>
      <Kbd size="xs" ml={8} visibleFrom="sm" style={{ background: 'rgba(255,255,255,0.18)', color: 'white', borderColor: 'transparent' }} aria-hidden="true">L</Kbd>
    </Button>
  )
}

function UserMenu() {
  const session = useCurrentSession()
  const logout = useLogout()
  const navigate = useNavigate()
  return (
    <Menu position="top-start" width={220}>
      <Menu.Target>
        <UnstyledButton p="xs" style={{ borderRadius: 8, width: '100%' }} className="tend-row">
          <Group gap="sm" wrap="nowrap">
            <div aria-hidden="true" style={{ width: 30, height: 30, borderRadius: 15, background: 'var(--mantine-color-brand-1)', color: 'var(--mantine-color-brand-9)', display: 'grid', placeItems: 'center', fontSize: 12, fontWeight: 600, flex: 'none' }}>{initials(session.user.name)}</div>
            <div style={{ minWidth: 0, flex: 1 }}>
              <Text fz="sm" fw={500} className="tend-nowrap">{session.user.name}</Text>
              <Text fz="xs" c="dimmed" className="tend-nowrap">{label(ROLE_LABELS, session.user.role)} · {session.organisation.name}</Text>
            </div>
            <IconChevronDown size={14} aria-hidden="true" />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconSettings size={16} />} onClick={() => void navigate('/settings')}>Settings &amp; API tokens</Menu.Item>
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login') })}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}

export function AppLayout() {
  const session = useCurrentSession()
  const [opened, { toggle, close }] = useDisclosure(false)
  const location = useLocation()
  useEffect(close, [location.pathname, close])
  const items = navItems(hasRole(session, 'manager', 'admin'), hasRole(session, 'admin'), !hasRole(session, 'analyst'))

  return (
    <QuickLogProvider>
      <AppShell header={{ height: 56 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={0}>
        <AppShell.Header withBorder style={{ borderColor: 'var(--tend-border)' }}>
          <Group h="100%" px="md" gap="sm" wrap="nowrap" justify="space-between">
            <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
              <Link to="/" className="tend-link" aria-label="Tend home" style={{ display: 'flex' }}><Logo /></Link>
              <SearchButton />
            </Group>
            <LogButton />
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm" style={{ borderColor: 'var(--tend-border)', background: '#fcfcfb' }} aria-label="Main">
          <AppShell.Section grow component={ScrollArea}>
            <Stack gap={2} component="nav" aria-label="Main navigation">
              {items.map((item) => (
                <NavLink key={item.to} component={RouterNavLink} to={item.to} end={item.end} label={item.label} leftSection={item.icon}
                  active={item.end ? location.pathname === item.to : location.pathname.startsWith(item.to)}
                  styles={{ root: { borderRadius: 8 }, label: { fontWeight: 500 } }} />
              ))}
            </Stack>
          </AppShell.Section>
          <AppShell.Section>
            <UserMenu />
          </AppShell.Section>
        </AppShell.Navbar>
        <AppShell.Main>
          <Outlet />
        </AppShell.Main>
      </AppShell>
      <CommandPalette />
    </QuickLogProvider>
  )
}
