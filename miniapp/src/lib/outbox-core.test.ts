import { AppError, fromErrorResponse } from './errors.ts';
import { GAVE_UP_MESSAGE, MAX_SERVER_FAILURES, Outbox, backoffMs, newIdempotencyKey, type NewEntry, type OutboxEntry } from './outbox-core.ts';
import type { SubmitResult } from './rows.ts';

const USER = '00000000-0000-4000-8000-000000000a01';
const OTHER = '00000000-0000-4000-8000-000000000a02';
const TX = '7954299b-88cf-a876-34bd-3edd7a6a22fd';
const TX2 = '5e27fe0c-ceea-7683-9df4-851fd4974db4';

function memoryStorage(initial: unknown = []) {
  let value: unknown = JSON.parse(JSON.stringify(initial));
  const writes: OutboxEntry[][] = [];
  return {
    read: () => value,
    write: (entries: OutboxEntry[]) => {
      value = JSON.parse(JSON.stringify(entries));
      writes.push(JSON.parse(JSON.stringify(entries)) as OutboxEntry[]);
    },
    writes,
    get value() {
      return value as OutboxEntry[];
    },
  };
}

const result = (level = 1): SubmitResult => ({ id: '11111111-1111-4111-8111-111111111111', level, is_bad: level <= 2, work_order_id: null });

function entry(over: Partial<NewEntry> = {}): NewEntry {
  return { key: newIdempotencyKey(), user_id: USER, kind: 'transaction', target_id: TX, staff_id: null, level: 1, tags: ['115'], comment: null, anonymous: false, title: '个体工商户设立登记', ...over };
}

/** A sender whose calls resolve or reject when the test says. */
function controlledSender() {
  const calls: Array<{ entry: OutboxEntry; resolve: (r: SubmitResult) => void; reject: (e: unknown) => void }> = [];
  const send = (e: OutboxEntry) => new Promise<SubmitResult>((resolve, reject) => calls.push({ entry: e, resolve, reject }));
  return { send, calls };
}

test('a rating is in storage before it is sent, and leaves storage only once the server answered', async () => {
  const storage = memoryStorage();
  const sender = controlledSender();
  const box = new Outbox(storage, sender.send, () => 1000);
  const stored = box.enqueue(entry());
  expect(storage.value).toEqual([{ ...stored, created_at: 1000, attempts: 0, failed: null }]);

  const outcome = box.submit(stored);
  await Promise.resolve();
  expect(sender.calls).toHaveLength(1);
  expect(storage.value).toHaveLength(1);
  sender.calls[0]?.resolve(result());
  await expect(outcome).resolves.toEqual({ status: 'sent', result: result() });
  expect(storage.value).toEqual([]);
});

test('a double tap: a second enqueue returns the waiting entry, a second submit joins the running send', async () => {
  const storage = memoryStorage();
  const sender = controlledSender();
  const box = new Outbox(storage, sender.send);
  const first = box.enqueue(entry());
  const again = box.enqueue(entry({ key: newIdempotencyKey() }));
  expect(again.key).toBe(first.key);
  expect(storage.value).toHaveLength(1);

  const a = box.submit(first);
  const b = box.submit(again);
  expect(box.isSending(first.key)).toBe(true);
  await Promise.resolve();
  expect(sender.calls).toHaveLength(1);
  sender.calls[0]?.resolve(result());
  expect(await a).toEqual(await b);
});

test('no network: the entry stays, and the retry carries the same key', async () => {
  const storage = memoryStorage();
  const keys: string[] = [];
  let online = false;
  const box = new Outbox(storage, async (e) => {
    keys.push(e.key);
    if (!online) throw AppError.of('network_error');
    return result();
  });
  const stored = box.enqueue(entry());
  const first = await box.submit(stored);
  expect(first.status).toBe('queued');
  expect(storage.value).toEqual([expect.objectContaining({ key: stored.key, attempts: 1, failed: null })]);

  online = true;
  const flushed = await box.flush(USER);
  expect(flushed.map((o) => o.status)).toEqual(['sent']);
  expect(keys).toEqual([stored.key, stored.key]);
  expect(storage.value).toEqual([]);
  // Nothing left: another flush sends nothing.
  expect(await box.flush(USER)).toEqual([]);
  expect(keys).toHaveLength(2);
});

test.each(['internal_error', 'unauthorized'] as const)('%s is retried later, not dropped', async (code) => {
  const storage = memoryStorage();
  const box = new Outbox(storage, () => Promise.reject(AppError.of(code)));
  const outcome = await box.submit(box.enqueue(entry()));
  expect(outcome).toMatchObject({ status: 'queued', error: { code } });
  expect(storage.value).toHaveLength(1);
});

test('a refusal on the submit button removes the entry (nothing was written: the form can be corrected)', async () => {
  const storage = memoryStorage();
  const box = new Outbox(storage, () => Promise.reject(AppError.of('tag_required')));
  const outcome = await box.submit(box.enqueue(entry()));
  expect(outcome).toMatchObject({ status: 'failed', error: { code: 'tag_required', message: '请至少选择一项不满意的原因' } });
  expect(storage.value).toEqual([]);
});

test('a refusal in the background is kept and marked, never re-sent, until dismissed', async () => {
  const storage = memoryStorage();
  let calls = 0;
  const box = new Outbox(storage, () => {
    calls++;
    return Promise.reject(AppError.of('rating_window_closed'));
  });
  const stored = box.enqueue(entry());
  await box.flush(USER);
  expect(storage.value).toEqual([expect.objectContaining({ key: stored.key, failed: { code: 'rating_window_closed', message: expect.stringContaining('评价期限已过') } })]);
  await box.flush(USER);
  expect(calls).toBe(1);
  expect(box.pendingFor(USER, 'transaction', TX)).toBeUndefined();
  box.remove(stored.key);
  expect(storage.value).toEqual([]);
});

test('flush sends only the logged-in user’s entries, oldest first, and stops at the first retryable failure', async () => {
  const storage = memoryStorage();
  const sent: string[] = [];
  let fail = true;
  const box = new Outbox(storage, async (e) => {
    if (e.target_id === TX2 && fail) throw AppError.of('network_error');
    sent.push(e.target_id);
    return result();
  });
  box.enqueue(entry({ target_id: TX2 }));
  box.enqueue(entry({ target_id: TX }));
  box.enqueue(entry({ user_id: OTHER, target_id: TX }));
  expect((await box.flush(USER)).map((o) => o.status)).toEqual(['queued']);
  expect(sent).toEqual([]);
  fail = false;
  expect((await box.flush(USER)).map((o) => o.status)).toEqual(['sent', 'sent']);
  expect(sent).toEqual([TX2, TX]);
  expect(storage.value.map((e) => e.user_id)).toEqual([OTHER]);
});

test('a corrupt store reads as empty instead of crashing', () => {
  expect(new Outbox(memoryStorage('garbage'), async () => result()).entries()).toEqual([]);
  expect(new Outbox(memoryStorage([{ key: 'x' }]), async () => result()).entries()).toEqual([]);
});

test('idempotency keys: 8–100 characters as the server wants, different each time', () => {
  const keys = new Set(Array.from({ length: 1000 }, () => newIdempotencyKey()));
  expect(keys.size).toBe(1000);
  for (const k of keys) {
    expect(k).toMatch(/^hcp-[0-9a-z]+-[0-9a-f]{16}$/);
    expect(k.length).toBeGreaterThanOrEqual(8);
    expect(k.length).toBeLessThanOrEqual(100);
  }
  expect(newIdempotencyKey(0, () => 0)).toBe('hcp-0-0000000000000000');
});

describe('back-off and stop (issue 15.3): no entry loops forever', () => {
  test('a server failure backs off: the next flush before retry_at sends nothing, after it sends again', async () => {
    const storage = memoryStorage();
    let now = 1_000_000;
    let calls = 0;
    const box = new Outbox(storage, () => {
      calls++;
      return Promise.reject(AppError.of('internal_error'));
    }, () => now);
    box.enqueue(entry());
    await box.flush(USER);
    expect(calls).toBe(1);
    expect(storage.value[0]).toMatchObject({ server_failures: 1, retry_at: now + backoffMs(1), failed: null });
    await box.flush(USER);
    expect(calls).toBe(1);
    now += backoffMs(1);
    await box.flush(USER);
    expect(calls).toBe(2);
    expect(storage.value[0]).toMatchObject({ server_failures: 2, retry_at: now + backoffMs(2) });
    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    expect(backoffMs(40)).toBe(6 * 3600_000);
  });

  test(`after ${MAX_SERVER_FAILURES} server failures in a row it stops and is shown as failed`, async () => {
    const storage = memoryStorage();
    let now = 0;
    let calls = 0;
    const box = new Outbox(storage, () => {
      calls++;
      return Promise.reject(AppError.of('internal_error'));
    }, () => now);
    box.enqueue(entry());
    for (let i = 0; i < MAX_SERVER_FAILURES + 5; i++) {
      await box.flush(USER);
      now += 7 * 3600_000;
    }
    expect(calls).toBe(MAX_SERVER_FAILURES);
    expect(storage.value[0]).toMatchObject({ failed: { code: 'internal_error', message: GAVE_UP_MESSAGE } });
  });

  test('no network is no server failure: no back-off, tried again when the network returns', async () => {
    const storage = memoryStorage();
    let calls = 0;
    const box = new Outbox(storage, () => {
      calls++;
      return Promise.reject(AppError.of('network_error'));
    }, () => 5);
    box.enqueue(entry());
    await box.flush(USER);
    await box.flush(USER);
    expect(calls).toBe(2);
    expect(storage.value[0]?.retry_at).toBeUndefined();
  });

  test('a refusal as Alipay reports it (fail, status 409, our body) stops at once', async () => {
    const storage = memoryStorage();
    let calls = 0;
    const box = new Outbox(storage, async () => {
      calls++;
      // What the fetch shim now makes of my.request's fail { error: 19, status: 409, data }.
      throw fromErrorResponse(409, JSON.stringify({ code: 'rating_window_closed', message: '评价期限已过' }));
    });
    box.enqueue(entry());
    await box.flush(USER);
    await box.flush(USER);
    expect(calls).toBe(1);
    expect(storage.value[0]?.failed?.code).toBe('rating_window_closed');
  });
});
