import { useRef, useState } from 'react'
import { toAppError } from './errors.ts'

/**
 * A button's action: `run(act)` does nothing while one runs, clears the last refusal, marks the
 * button busy, and shows what `act` throws in the server's words (toAppError(err).message) —
 * a check that fails before sending throws an AppError with its message the same way.
 */
export function useAction(): {
  busy: boolean
  error: string | null
  setError: (message: string | null) => void
  run: (act: () => Promise<void>) => Promise<void>
} {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const running = useRef(false)
  const run = async (act: () => Promise<void>) => {
    if (running.current) return
    running.current = true
    setBusy(true)
    setError(null)
    try {
      await act()
    } catch (err) {
      setError(toAppError(err).message)
    } finally {
      running.current = false
      setBusy(false)
    }
  }
  return { busy, error, setError, run }
}
