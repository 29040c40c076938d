import { Tabs } from '@mantine/core'
import { Navigate, useSearchParams } from 'react-router'
import { Page } from '../../components/page.tsx'
import { hasRole, useCurrentSession } from '../auth/api.ts'
import { InvitationsPanel } from './invitations-panel.tsx'
import { SelfCheckQuestionsPanel } from './self-check-questions-panel.tsx'
import { UsersPanel } from './users-panel.tsx'

export function AdminPage() {
  const session = useCurrentSession()
  const [params, setParams] = useSearchParams()
  if (!hasRole(session, 'admin')) return <Navigate to="/" replace />
  const tab = params.get('tab') ?? 'users'
  return (
    <Page title="Admin" subtitle={`People, access and settings for ${session.organisation.name}`}>
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'users' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="invitations">Invitations</Tabs.Tab>
          <Tabs.Tab value="self-check">Self-check</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users"><UsersPanel /></Tabs.Panel>
        <Tabs.Panel value="invitations"><InvitationsPanel /></Tabs.Panel>
        <Tabs.Panel value="self-check"><SelfCheckQuestionsPanel /></Tabs.Panel>
      </Tabs>
    </Page>
  )
}
