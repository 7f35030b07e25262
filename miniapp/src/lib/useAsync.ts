import { useCallback, useEffect, useRef, useState } from 'react'
import { toAppError, type AppError } from './errors.ts'
import { expireSession, loadSession } from './session.ts'

export type AsyncState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: AppError }
  | { status: 'done'; data: T }

/**
 * Runs `load` on mount and on `reload()`; answers that arrive after a newer run started
 * (or after unmount) are dropped.
 */
export function useAsync<T>(load: () => Promise<T>): { state: AsyncState<T>; reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' })
  const run = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  const reload = useCallback(() => {
    const id = ++run.current
    setState({ status: 'loading' })
    loadRef.current().then(
      (data) => {
        if (id === run.current) setState({ status: 'done', data })
      },
      (err: unknown) => {
        const error = toAppError(err)
        console.warn('[hcp]', error.code, error.detail ?? '')
        // A token the server refuses: back to the login panel (with a notice), on every page.
        if (error.code === 'unauthorized' && loadSession()) expireSession()
        if (id === run.current) setState({ status: 'error', error })
      },
    )
  }, [])

  useEffect(() => {
    reload()
    return () => {
      run.current++
    }
  }, [reload])

  return { state, reload }
}
