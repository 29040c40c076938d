import { Button } from '@mantine/core'
import { Link } from 'react-router'
import { EmptyState, Page } from './page.tsx'

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <EmptyState title="There is nothing at this address.">
        <Button component={Link} to="/" variant="light" mt="sm">Go to Today</Button>
      </EmptyState>
    </Page>
  )
}
