/**
 * The ratings outbox: a rating is written to storage BEFORE it is sent, under the idempotency
 * key it keeps for life, and leaves storage only when the server has answered for it. So a
 * rating typed on a weak network is never lost (it waits in storage, across restarts, and is
 * sent when the network returns) and never counted twice (every resend carries the same key:
 * the server answers a replay with the first result, R3; two sends of one key never run at the
 * same time here either). Pure: storage and sending are injected (outbox.ts wires them).
 */
import { z } from 'zod'
import { DbId } from '../../../shared/schemas.ts'
import { toAppError, type AppError } from './errors.ts'
import type { SubmitResult } from './rows.ts'

export const OutboxEntry = z.object({
  /** The idempotency key (8–100 chars, R3). */
  key: z.string().min(8).max(100),
  /** Whose rating it is: only sent while that user is logged in. */
  user_id: DbId,
  kind: z.enum(['transaction', 'visit']),
  /** The 办件 (kind transaction) or the window (kind visit). */
  target_id: DbId,
  staff_id: DbId.nullable(),
  level: z.number().int().min(1).max(5),
  tags: z.array(z.string()),
  comment: z.string().nullable(),
  anonymous: z.boolean(),
  /** What the citizen rated, for the "待发送" list (事项 or window name). */
  title: z.string(),
  created_at: z.number(),
  attempts: z.number().int().min(0),
  /** Refused for good by the server while sent in the background: shown until dismissed, never re-sent. */
  failed: z.object({ code: z.string(), message: z.string() }).nullable(),
  /**
   * Back-off (issue 15.3): how many times in a row the server (not the network) failed it, and
   * the earliest time (epoch ms) a background flush may send it again. Absent on a fresh entry
   * and on entries stored by older versions.
   */
  server_failures: z.number().int().min(0).optional(),
  retry_at: z.number().optional(),
})
export type OutboxEntry = z.infer<typeof OutboxEntry>

export type NewEntry = Omit<OutboxEntry, 'created_at' | 'attempts' | 'failed'>

export interface OutboxStorage {
  read(): unknown
  write(entries: OutboxEntry[]): void
}

export type Sender = (entry: OutboxEntry) => Promise<SubmitResult>

export type Outcome =
  | { status: 'sent'; result: SubmitResult }
  /** Kept in storage; sent again when the network returns (or after login). */
  | { status: 'queued'; error: AppError }
  /** The server refused it (nothing written): the entry is gone (interactive) or marked failed (background). */
  | { status: 'failed'; error: AppError }

/** Worth another try later: no network, the server or gateway failing, or no valid login. */
export function isRetryable(error: AppError): boolean {
  return error.code === 'network_error' || error.code === 'internal_error' || error.code === 'unauthorized' || error.code === 'config_error'
}

/**
 * The back-off after the n-th server failure in a row: 30 s, 1 min, 2 min … capped at 6 hours.
 * A failure of the network itself (no signal, a timeout) does not back off: it is tried again
 * when the network returns or the app comes back, which is no loop.
 */
export function backoffMs(serverFailures: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, serverFailures - 1), 6 * 3600_000)
}

/**
 * After this many server failures in a row (about two days of back-off) an entry stops being
 * sent and is shown as failed: no entry is retried forever (issue 15.3).
 */
export const MAX_SERVER_FAILURES = 12

/** Shown for an entry the outbox gave up on. */
export const GAVE_UP_MESSAGE = '多次提交都没有成功，这条评价已停止发送。请删除后重新评价，或联系办理单位。'

/** A fresh idempotency key: time + randomness; mini-programs have no crypto.randomUUID. */
export function newIdempotencyKey(now = Date.now(), random: () => number = Math.random): string {
  let rand = ''
  while (rand.length < 16) rand += Math.floor(random() * 0x10000).toString(16).padStart(4, '0')
  return `hcp-${now.toString(36)}-${rand.slice(0, 16)}`
}

export class Outbox {
  private readonly inFlight = new Map<string, Promise<Outcome>>()

  constructor(
    private readonly storage: OutboxStorage,
    private readonly send: Sender,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every stored entry (a corrupt store reads as empty rather than crashing the app). */
  entries(): OutboxEntry[] {
    const parsed = z.array(OutboxEntry).safeParse(this.storage.read())
    return parsed.success ? parsed.data : []
  }

  /** The entries of one user, oldest first. */
  entriesOf(userId: string): OutboxEntry[] {
    return this.entries().filter((e) => e.user_id === userId)
  }

  /** The waiting (not failed) entry for a 办件 or window, if any. */
  pendingFor(userId: string, kind: OutboxEntry['kind'], targetId: string): OutboxEntry | undefined {
    return this.entriesOf(userId).find((e) => e.kind === kind && e.target_id === targetId && e.failed === null)
  }

  /**
   * Stores a rating before anything is sent. A second enqueue for the same 办件 / window while
   * one waits returns the waiting one (a double tap never makes a second key).
   */
  enqueue(entry: NewEntry): OutboxEntry {
    const waiting = this.pendingFor(entry.user_id, entry.kind, entry.target_id)
    if (waiting) return waiting
    const stored: OutboxEntry = OutboxEntry.parse({ ...entry, created_at: this.now(), attempts: 0, failed: null })
    this.storage.write([...this.entries(), stored])
    return stored
  }

  remove(key: string): void {
    this.storage.write(this.entries().filter((e) => e.key !== key))
  }

  private update(key: string, change: (e: OutboxEntry) => OutboxEntry): void {
    this.storage.write(this.entries().map((e) => (e.key === key ? change(e) : e)))
  }

  /**
   * Sends one entry now (the submit button). While a send of this key runs, a second call gets
   * the same promise. A refusal removes the entry: nothing was written, the citizen may correct
   * the form and submit again (with a new key).
   */
  submit(entry: OutboxEntry): Promise<Outcome> {
    return this.sendOnce(entry, 'interactive')
  }

  /** Sends every waiting entry of the user, oldest first; stops at the first retryable failure. */
  async flush(userId: string): Promise<Outcome[]> {
    const outcomes: Outcome[] = []
    for (const entry of this.entriesOf(userId)) {
      if (entry.failed !== null) continue
      // Backing off after a server failure: not yet (the entry stays; later ones may go).
      if (entry.retry_at !== undefined && entry.retry_at > this.now()) continue
      const outcome = await this.sendOnce(entry, 'background')
      outcomes.push(outcome)
      if (outcome.status === 'queued') break
    }
    return outcomes
  }

  /** Whether a send is running (the page shows 提交中…). */
  isSending(key: string): boolean {
    return this.inFlight.has(key)
  }

  private sendOnce(entry: OutboxEntry, mode: 'interactive' | 'background'): Promise<Outcome> {
    const running = this.inFlight.get(entry.key)
    if (running) return running
    const attempt = (async (): Promise<Outcome> => {
      // Still stored? (A flush may have sent it while this page waited.)
      if (!this.entries().some((e) => e.key === entry.key)) {
        return { status: 'failed', error: toAppError(new Error('outbox entry is gone')) }
      }
      this.update(entry.key, (e) => ({ ...e, attempts: e.attempts + 1 }))
      try {
        const result = await this.send(entry)
        this.remove(entry.key)
        return { status: 'sent', result }
      } catch (err) {
        const error = toAppError(err)
        if (error.code === 'network_error') return { status: 'queued', error }
        if (isRetryable(error)) {
          // The server answered but could not take it (5xx, no valid login, …): back off, and
          // after MAX_SERVER_FAILURES in a row stop and show it as failed.
          const failures = (this.entries().find((e) => e.key === entry.key)?.server_failures ?? 0) + 1
          if (failures >= MAX_SERVER_FAILURES) {
            this.update(entry.key, (e) => ({ ...e, server_failures: failures, failed: { code: error.code, message: GAVE_UP_MESSAGE } }))
            return { status: 'failed', error }
          }
          this.update(entry.key, (e) => ({ ...e, server_failures: failures, retry_at: this.now() + backoffMs(failures) }))
          return { status: 'queued', error }
        }
        if (mode === 'interactive') this.remove(entry.key)
        else this.update(entry.key, (e) => ({ ...e, failed: { code: error.code, message: error.message } }))
        return { status: 'failed', error }
      }
    })()
    this.inFlight.set(entry.key, attempt)
    void attempt.finally(() => this.inFlight.delete(entry.key))
    return attempt
  }
}
