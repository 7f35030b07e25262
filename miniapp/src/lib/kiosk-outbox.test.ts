/**
 * The tablet's outbox (issue 18): kept before it is sent, removed only when the server has it,
 * sent with its original time, never twice at once, refused items kept and marked, network
 * failures kept for the next try.
 */
import type { IngestItemResult } from '../../../shared/ingest.ts'
import { KioskOutbox, type KioskOutboxEntry, type KioskOutboxStorage } from './kiosk-outbox.ts'

function memory(): KioskOutboxStorage & { rows: Map<string, KioskOutboxEntry> } {
  const rows = new Map<string, KioskOutboxEntry>()
  return {
    rows,
    all: async () => [...rows.values()].map((r) => ({ ...r })),
    put: async (e) => void rows.set(e.external_id, { ...e }),
    remove: async (id) => void rows.delete(id),
  }
}

const item = (id: string, at = '2026-12-01T02:00:00.000Z') => ({ external_id: id, project_no: `P-${id}`, level: 5, tags: [], rated_at: at })

test('kept before sending; a network failure keeps it; the next flush sends it with its original time and removes it', async () => {
  const store = memory()
  const sent: unknown[][] = []
  let online = false
  const box = new KioskOutbox(store, async (items) => {
    if (!online) throw Object.assign(new Error('网络不给力，请稍后重试'), { code: 'network_error' })
    sent.push(items)
    return items.map((i, index) => ({ index, external_id: i.external_id, status: 'created' }) as IngestItemResult)
  })
  await box.add(item('a', '2026-12-01T01:59:00.000Z'))
  expect(store.rows.size).toBe(1)
  const r1 = await box.flush()
  expect(r1).toMatchObject({ sent: 0, waiting: 1, error: { code: 'network_error' } })
  expect(store.rows.get('a')).toMatchObject({ attempts: 1, failed: null })
  online = true
  expect(await box.flush()).toMatchObject({ sent: 1, waiting: 0, error: null })
  expect(sent).toEqual([[item('a', '2026-12-01T01:59:00.000Z')]])
  expect(store.rows.size).toBe(0)
})

test('two flushes at once send once; a replayed answer also clears the entry', async () => {
  const store = memory()
  let calls = 0
  let release: () => void = () => undefined
  const box = new KioskOutbox(store, async (items) => {
    calls++
    await new Promise<void>((r) => { release = r })
    return items.map((i, index) => ({ index, external_id: i.external_id, status: 'replayed' }) as IngestItemResult)
  })
  await box.add(item('b'))
  const [x, y] = [box.flush(), box.flush()]
  await new Promise((r) => setTimeout(r, 10))
  release()
  expect(await x).toEqual(await y)
  expect(calls).toBe(1)
  expect(store.rows.size).toBe(0)
})

test('an item refused for good stays, marked, and is not sent again', async () => {
  const store = memory()
  let calls = 0
  const box = new KioskOutbox(store, async (items) => {
    calls++
    return items.map((i, index) => ({ index, external_id: i.external_id, status: 'rejected', code: 'rating_window_closed', message: '已超过评价期限' }) as IngestItemResult)
  })
  await box.add(item('c'))
  expect(await box.flush()).toMatchObject({ failed: 1 })
  expect(store.rows.get('c')?.failed).toEqual({ code: 'rating_window_closed', message: '已超过评价期限' })
  expect(await box.flush()).toMatchObject({ sent: 0, failed: 0, waiting: 0 })
  expect(calls).toBe(1)
})
