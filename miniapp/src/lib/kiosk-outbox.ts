/**
 * The window tablet's outbox (issue 18): every rating is written to IndexedDB BEFORE it is sent,
 * under an external_id it keeps for life, with the time the applicant rated (rated_at), and
 * leaves the outbox only when ratings-ingest has answered for it (created, or replayed: the
 * server had it already). So a rating taken while the network is down is never lost (it waits,
 * across reloads, and goes when the network returns, with its original time) and never counted
 * twice (ratings-ingest is idempotent by device + external_id, and one flush runs at a time).
 * A rating the server refuses for good (e.g. the rating window closed while offline) stays,
 * marked failed, so that nothing disappears silently. Pure: storage and sending are injected.
 */
import { z } from 'zod'
import type { IngestItemResult } from '../../../shared/ingest.ts'

export const KioskOutboxEntry = z.object({
  external_id: z.string().min(1).max(100),
  project_no: z.string(),
  level: z.number().int().min(1).max(5),
  tags: z.array(z.string()),
  /** ISO instant the applicant tapped 提交 (kept through any delay). */
  rated_at: z.string(),
  attempts: z.number().int().min(0),
  failed: z.object({ code: z.string(), message: z.string() }).nullable(),
})
export type KioskOutboxEntry = z.infer<typeof KioskOutboxEntry>

export interface KioskOutboxStorage {
  all(): Promise<KioskOutboxEntry[]>
  put(entry: KioskOutboxEntry): Promise<void>
  remove(externalId: string): Promise<void>
}

/** Sends one signed batch; throws on no network or a whole-request refusal (with `.code`). */
export type BatchSender = (items: Array<Omit<KioskOutboxEntry, 'attempts' | 'failed'>>) => Promise<IngestItemResult[]>

/** Whole-request refusals that end sending for good (the tablet must be paired again). */
export const STOPPING = ['key_revoked', 'unknown_key'] as const

export interface FlushReport {
  sent: number
  failed: number
  /** Still waiting (no network, a server fault) or untouched. */
  waiting: number
  /** Set when the whole request was refused or could not be made. */
  error: { code: string; message: string } | null
}

export class KioskOutbox {
  private flushing: Promise<FlushReport> | null = null

  constructor(private readonly storage: KioskOutboxStorage, private readonly send: BatchSender) {}

  /** Keeps the rating first; sending is flush()'s. */
  async add(entry: Omit<KioskOutboxEntry, 'attempts' | 'failed'>): Promise<void> {
    await this.storage.put({ ...entry, attempts: 0, failed: null })
  }

  async entries(): Promise<KioskOutboxEntry[]> {
    return (await this.storage.all()).sort((a, b) => a.rated_at.localeCompare(b.rated_at))
  }

  /** Sends everything waiting in one batch; a second call while one runs joins it. */
  flush(): Promise<FlushReport> {
    this.flushing ??= this.run().finally(() => {
      this.flushing = null
    })
    return this.flushing
  }

  private async run(): Promise<FlushReport> {
    const waiting = (await this.entries()).filter((e) => e.failed === null).slice(0, 500)
    if (waiting.length === 0) return { sent: 0, failed: 0, waiting: 0, error: null }
    for (const e of waiting) await this.storage.put({ ...e, attempts: e.attempts + 1 })
    let results: IngestItemResult[]
    try {
      results = await this.send(waiting.map(({ external_id, project_no, level, tags, rated_at }) => ({ external_id, project_no, level, tags, rated_at })))
    } catch (err) {
      const e = err as { code?: string; message?: string }
      return { sent: 0, failed: 0, waiting: waiting.length, error: { code: e.code ?? 'network_error', message: e.message ?? '网络不给力，请稍后重试' } }
    }
    let sent = 0
    let failed = 0
    for (const r of results) {
      const entry = waiting.find((e) => e.external_id === r.external_id)
      if (!entry) continue
      if (r.status === 'created' || r.status === 'replayed') {
        await this.storage.remove(entry.external_id)
        sent++
      } else if (r.status === 'rejected') {
        await this.storage.put({ ...entry, attempts: entry.attempts + 1, failed: { code: r.code ?? 'rejected', message: r.message ?? '未被接受' } })
        failed++
      }
    }
    return { sent, failed, waiting: waiting.length - sent - failed, error: null }
  }
}
