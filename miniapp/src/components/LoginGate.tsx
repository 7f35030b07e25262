import type { ReactNode } from 'react'
import type { Session } from '../lib/session.ts'
import { useSession } from '../lib/useSession.ts'
import { LoginPanel } from './LoginPanel.tsx'

/** Renders `children(session)` once logged in, the login panel before. */
export function LoginGate({ reason, children }: { reason?: string; children: (session: Session) => ReactNode }) {
  const session = useSession()
  if (!session) return <LoginPanel reason={reason} />
  return <>{children(session)}</>
}
