/**
 * The app's one outbox (see outbox-core.ts): Taro storage under `hcp.outbox`, sent through the
 * rating RPCs. `flushOutbox()` runs at app show, when the network comes back, after login and
 * when 待评价 / 我的评价 show; listeners hear about every change.
 */
import Taro from '@tarojs/taro'
import { submitRating, submitVisitRating } from './api.ts'
import { Outbox, type Outcome, type OutboxEntry } from './outbox-core.ts'
import { loadSession } from './session.ts'

export const OUTBOX_KEY = 'hcp.outbox'

const listeners = new Set<() => void>()

export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export const outbox = new Outbox(
  {
    read: () => {
      try {
        return Taro.getStorageSync(OUTBOX_KEY) as unknown
      } catch {
        return []
      }
    },
    write: (entries) => {
      Taro.setStorageSync(OUTBOX_KEY, entries)
      for (const l of [...listeners]) l()
    },
  },
  (entry: OutboxEntry) => {
    const input = {
      level: entry.level,
      tags: entry.tags,
      comment: entry.comment,
      anonymous: entry.anonymous,
      idempotencyKey: entry.key,
    }
    return entry.kind === 'transaction'
      ? submitRating(entry.target_id, input, 'mobile')
      : submitVisitRating(entry.target_id, entry.staff_id, input)
  },
)

let flushing: Promise<Outcome[]> | null = null

/** Sends what waits for the logged-in user; one flush at a time. */
export function flushOutbox(): Promise<Outcome[]> {
  const session = loadSession()
  if (!session) return Promise.resolve([])
  if (outbox.entriesOf(session.user.id).every((e) => e.failed !== null)) return Promise.resolve([])
  flushing ??= outbox.flush(session.user.id).finally(() => {
    flushing = null
  })
  return flushing
}
