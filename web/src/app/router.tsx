import { useEffect } from 'react'
import { createBrowserRouter, Navigate, Outlet, useLocation, useNavigate } from 'react-router'
import { PageLoader } from '../components/page.tsx'
import { useSession } from '../features/auth/api.ts'
import { setUnauthorizedHandler } from '../lib/api-client.ts'
import { queryClient } from '../lib/query-client.ts'

/** The sign-in gate: pages below it have a session; a 401 anywhere sends the user to login. */
function RequireSession() {
  const { data: session, isPending } = useSession()
  const location = useLocation()
  const navigate = useNavigate()
  useEffect(() => {
    setUnauthorizedHandler(() => {
      queryClient.setQueryData(['session'], null)
      void navigate(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true })
    })
    return () => setUnauthorizedHandler(null)
  }, [navigate])
  if (isPending) return <PageLoader />
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
  return <Outlet />
}

// Every page is its own chunk (route-level code splitting); the shell loads with the first page.
export const router = createBrowserRouter([
  { path: '/login', lazy: () => import('../features/auth/login-page.tsx').then((m) => ({ Component: m.LoginPage })) },
  { path: '/invite/:token', lazy: () => import('../features/auth/invite-page.tsx').then((m) => ({ Component: m.InvitePage })) },
  {
    element: <RequireSession />,
    hydrateFallbackElement: <PageLoader />,
    children: [
      {
        lazy: () => import('../components/layout/app-layout.tsx').then((m) => ({ Component: m.AppLayout })),
        children: [
          { index: true, lazy: () => import('../features/today/today-page.tsx').then((m) => ({ Component: m.TodayPage })) },
          { path: 'accounts', lazy: () => import('../features/accounts/account-list-page.tsx').then((m) => ({ Component: m.AccountListPage })) },
          { path: 'accounts/:accountId', lazy: () => import('../features/accounts/account-page.tsx').then((m) => ({ Component: m.AccountPage })) },
          { path: 'stakeholders/:stakeholderId', lazy: () => import('../features/stakeholders/stakeholder-page.tsx').then((m) => ({ Component: m.StakeholderPage })) },
          { path: 'suggestions', lazy: () => import('../features/email/suggestions-page.tsx').then((m) => ({ Component: m.SuggestionsPage })) },
          { path: 'surveys', lazy: () => import('../features/surveys/surveys-page.tsx').then((m) => ({ Component: m.SurveysPage })) },
          { path: 'surveys/:surveyId', lazy: () => import('../features/surveys/survey-page.tsx').then((m) => ({ Component: m.SurveyPage })) },
          { path: 'escalations', lazy: () => import('../features/surveys/escalations-page.tsx').then((m) => ({ Component: m.EscalationsPage })) },
          { path: 'team', lazy: () => import('../features/team/team-page.tsx').then((m) => ({ Component: m.TeamPage })) },
          { path: 'kpis', lazy: () => import('../features/kpis/kpis-page.tsx').then((m) => ({ Component: m.KpisPage })) },
          { path: 'reviews', lazy: () => import('../features/reviews/reviews-page.tsx').then((m) => ({ Component: m.ReviewsPage })) },
          { path: 'admin', lazy: () => import('../features/admin/admin-page.tsx').then((m) => ({ Component: m.AdminPage })) },
          { path: 'settings', lazy: () => import('../features/settings/settings-page.tsx').then((m) => ({ Component: m.SettingsPage })) },
          { path: '*', lazy: () => import('../components/not-found-page.tsx').then((m) => ({ Component: m.NotFoundPage })) },
        ],
      },
    ],
  },
])
