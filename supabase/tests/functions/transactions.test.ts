/**
 * transactions in the real Deno runtime against the test stack: business systems push 办件 and
 * status changes in HMAC-signed batches. Proves idempotency by (办件编号, status), that late
 * (older) updates never move a 办件 backwards, 办结 starting the rating window, per-item
 * results, and that every refused request (signature, time, replay, key, content type, JSON,
 * size) is a 4xx with a stable code and a Chinese message and writes nothing.
 */
import { assertEquals, assertMatch } from './assert.ts';
import { handler } from '../../functions/transactions/handler.ts';
import {
  CHINESE, connectDb, type Db, demoPad, demoSystem, newProjectNo, results, seededIds, signed, writeCounts,
} from './ingest_support.ts';

const db: Db = await connectDb();
const linxiang = await seededIds(db, '530902');
const fengqing = await seededIds(db, '530921');
const system = demoSystem('530902');

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

function item(projectNo: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    project_no: projectNo,
    matter_code: linxiang.matterCode,
    status,
    accepted_at: hoursAgo(5),
    occurred_at: status === 'accepted' ? undefined : hoursAgo(status === 'processing' ? 4 : 1),
    channel: 'hall_pad',
    window_id: linxiang.windowId,
    staff_id: linxiang.staffId,
    ...extra,
  };
}

const push = async (items: unknown[], key = system) => handler(await signed('transactions', key, { items }));

async function row(projectNo: string) {
  const { rows } = await db.query(
    `select status, finished_at, rating_due_at, hall_id::text, window_id::text, unit_id::text, region_code
     from app.transactions where project_no = $1`, [projectNo]);
  return rows[0];
}

/** Expects a refusal of the whole request: status, code, a Chinese message, and nothing written. */
async function refused(req: Request | Promise<Request>, status: number, code: string) {
  const before = await writeCounts(db);
  const res = await handler(await req);
  const body = await res.json();
  assertEquals({ status: res.status, code: body.code }, { status, code });
  assertMatch(body.message, CHINESE);
  assertEquals(body.results, undefined);
  assertEquals(await writeCounts(db), before);
}

Deno.test('a 办件 moves 受理 → 办理中 → 办结; 办结 sets finished_at and starts the rating window', async () => {
  const no = newProjectNo('flow');
  let [r] = await results(await push([item(no, 'accepted')]));
  assertEquals({ status: r!.status, project_no: r!.project_no, index: r!.index }, { status: 'created', project_no: no, index: 0 });
  const id = r!.id;
  assertEquals((await row(no)).status, 'accepted');
  assertEquals(((await row(no)).hall_id), linxiang.hallId);

  [r] = await results(await push([item(no, 'processing')]));
  assertEquals({ status: r!.status, id: r!.id }, { status: 'updated', id });
  assertEquals((await row(no)).rating_due_at, null);

  const finishedAt = hoursAgo(1);
  [r] = await results(await push([item(no, 'finished', { occurred_at: finishedAt })]));
  assertEquals({ status: r!.status, id: r!.id }, { status: 'updated', id });
  const t = await row(no);
  assertEquals({ status: t.status, finished_at: t.finished_at.toISOString() }, { status: 'finished', finished_at: finishedAt });
  assertEquals(t.rating_due_at instanceof Date && t.rating_due_at.getTime() > Date.now(), true);
  assertEquals({ unit: t.unit_id, region: t.region_code }, { unit: linxiang.unitId, region: '530902' });
});

Deno.test('reordered: 办结 first creates the 办件 finished; the late 受理 and 办理中 are ignored, never moving it back', async () => {
  const no = newProjectNo('order');
  const res = await results(await push([item(no, 'finished'), item(no, 'processing'), item(no, 'accepted')]));
  assertEquals(res.map((r) => r.status), ['created', 'ignored', 'ignored']);
  assertEquals(res.map((r) => r.index), [0, 1, 2]);
  assertEquals(res[1]!.code, 'stale_status');
  assertMatch(res[1]!.message!, CHINESE);
  assertEquals((await row(no)).status, 'finished');

  // A cancellation after 办结 is ignored too: finished and cancelled are both final.
  const [c] = await results(await push([item(no, 'cancelled', { occurred_at: hoursAgo(0.5) })]));
  assertEquals({ status: c!.status, code: c!.code }, { status: 'ignored', code: 'stale_status' });
  assertEquals((await row(no)).status, 'finished');
});

Deno.test('each (办件编号, status) applies once: a repeat, in the same batch or a later one, is replayed and writes nothing', async () => {
  const no = newProjectNo('idem');
  const first = await results(await push([item(no, 'accepted'), item(no, 'accepted')]));
  assertEquals(first.map((r) => r.status), ['created', 'replayed']);
  assertEquals(first[1]!.original_status, 'created');
  await push([item(no, 'processing')]);

  const before = await writeCounts(db);
  // Same statuses, even with other times: the first push of each status stands.
  const again = await results(await push([item(no, 'accepted', { accepted_at: hoursAgo(6) }), item(no, 'processing')]));
  assertEquals(again.map((r) => [r.status, r.original_status]), [['replayed', 'created'], ['replayed', 'updated']]);
  assertEquals(again.every((r) => r.id === first[0]!.id), true);
  // Only the request's signature was recorded (the replay guard).
  assertEquals(await writeCounts(db), { ...before, signatures: before.signatures! + 1 });
});

Deno.test('two batches racing with the same statuses (10 rounds): exactly one applies each, the other answers replayed', async () => {
  for (let round = 0; round < 10; round++) {
    const no = newProjectNo('race');
    const body = { items: [item(no, 'accepted'), item(no, 'finished')] };
    const now = Math.floor(Date.now() / 1000);
    const [a, b] = await Promise.all([
      signed('transactions', system, body, { ts: now }).then(handler).then(results),
      signed('transactions', system, body, { ts: now - 1 }).then(handler).then(results),
    ]);
    // Either one batch did both, or each won one status (then the other's item is replayed).
    const byStatus = [0, 1].map((i) => [a[i]!.status, b[i]!.status].sort());
    assertEquals([['created', 'replayed'], ['replayed', 'updated']].some((x) => JSON.stringify(x) === JSON.stringify(byStatus[0])), true);
    assertEquals(byStatus[1], ['replayed', 'updated']);
    const { rows } = await db.query(
      `select t.status, count(e.*)::int as n from app.transactions t join app.transaction_status_events e on e.transaction_id = t.id
       where t.project_no = $1 group by t.status`, [no]);
    assertEquals(rows, [{ status: 'finished', n: 2 }]);
  }
});

Deno.test('one bad item fails alone: wrong types, unknown matter, another region, a conflicting 事项', async () => {
  const good = newProjectNo('good');
  const conflicting = newProjectNo('conf');
  await push([item(conflicting, 'accepted')]);
  const res = await results(await push([
    { ...item(newProjectNo('bad'), 'accepted'), status: 'done' },
    { ...item(newProjectNo('bad'), 'accepted'), accepted_at: 'yesterday' },
    { ...item(newProjectNo('bad'), 'accepted'), window_id: 42 },
    'not an object',
    item(good, 'accepted'),
    item(newProjectNo('bad'), 'accepted', { matter_code: 'NO-SUCH-MATTER' }),
    item(newProjectNo('bad'), 'accepted', { matter_code: fengqing.matterCode, window_id: undefined, staff_id: undefined }),
    item(conflicting, 'processing', { matter_code: '530902-ZR-002' }),
    item(newProjectNo('bad'), 'accepted', { staff_id: '00000000-0000-4000-8000-000000000b03' }),
    item(newProjectNo('bad'), 'finished', { occurred_at: hoursAgo(10) }),
    { ...item(newProjectNo('bad'), 'accepted'), surprise: true },
  ]));
  assertEquals(res.map((r) => [r.index, r.status, r.code ?? null]), [
    [0, 'rejected', 'invalid_input'],
    [1, 'rejected', 'invalid_input'],
    [2, 'rejected', 'invalid_input'],
    [3, 'rejected', 'invalid_input'],
    [4, 'created', null],
    [5, 'rejected', 'unknown_matter'],
    [6, 'rejected', 'out_of_region'],
    [7, 'rejected', 'transaction_conflict'],
    [8, 'rejected', 'unknown_reference'],
    [9, 'rejected', 'invalid_input'],
    [10, 'rejected', 'invalid_input'],
  ]);
  for (const r of res.filter((x) => x.status === 'rejected')) {
    assertMatch(r.message!, CHINESE);
    assertEquals(r.id, undefined);
  }
  assertEquals(res[0]!.project_no?.startsWith('ING-bad-'), true);
  assertEquals(res[3]!.project_no, null);
  // Only the good item and the earlier push exist.
  const { rows } = await db.query(`select count(*)::int as n from app.transactions where project_no like $1`, [`ING-bad-%`]);
  assertEquals(rows[0].n, 0);
  assertEquals((await row(good)).status, 'accepted');
  assertEquals((await row(conflicting)).status, 'accepted');
});

/** GB 11643: the 18th character of a 身份证号 from the first 17. */
function withCheckDigit(id17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...id17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  return id17 + '10X98765432'[sum % 11];
}

Deno.test('applicants are matched by ID number to real-name users; unknown ones are kept only as a blind index', async () => {
  const known = newProjectNo('idn');
  const unknown = newProjectNo('idn');
  const citizenB = withCheckDigit('53090219920304001');
  const stranger = withCheckDigit('53092219990101123');
  const res = await results(await push([
    item(known, 'accepted', { applicant_id_number: citizenB.toLowerCase() }),
    item(unknown, 'accepted', { applicant_id_number: stranger }),
    item(newProjectNo('idn'), 'accepted', { applicant_id_number: '12345' }),
  ]));
  assertEquals(res.map((r) => [r.status, r.code ?? null]), [['created', null], ['created', null], ['rejected', 'invalid_input']]);
  const { rows } = await db.query(
    `select t.project_no, t.applicant_user_id::text, p.applicant_id_bidx is not null as has_bidx
     from app.transactions t left join app.transaction_party_ids p on p.transaction_id = t.id
     where t.project_no = any($1) order by t.project_no`, [[known, unknown]]);
  assertEquals(rows, [
    { project_no: known, applicant_user_id: '00000000-0000-4000-8000-000000000a02', has_bidx: true },
    { project_no: unknown, applicant_user_id: null, has_bidx: true },
  ]);
  // The ID number itself is stored nowhere in clear.
  const { rows: [hit] } = await db.query(
    `select count(*)::int as n from app.transaction_party_ids where encode(applicant_id_bidx, 'escape') like '%' || $1 || '%'`, [stranger]);
  assertEquals(hit.n, 0);
});

Deno.test('a city system may push 办件 of every county; a county system only its own', async () => {
  const no = newProjectNo('city');
  const [r] = await results(await push([item(no, 'accepted', { matter_code: fengqing.matterCode, window_id: fengqing.windowId, staff_id: undefined })], demoSystem('530900')));
  assertEquals(r!.status, 'created');
  assertEquals((await row(no)).region_code, '530921');
});

Deno.test('a full batch of 500 items is applied; 501 is refused whole with 413 batch_too_large', async () => {
  const items = Array.from({ length: 500 }, () => item(newProjectNo('bulk'), 'finished'));
  const started = performance.now();
  const res = await results(await push(items));
  console.log(`500 items applied in ${Math.round(performance.now() - started)} ms`);
  assertEquals(res.length, 500);
  assertEquals(res.every((r, i) => r.status === 'created' && r.index === i), true);

  const body = { items: [...items, item(newProjectNo('bulk'), 'accepted')].map((x) => ({ ...x, project_no: newProjectNo('over') })) };
  await refused(signed('transactions', system, body), 413, 'batch_too_large');
});

Deno.test('a replayed request (same signature) is refused whole with 409 and writes nothing', async () => {
  const body = { items: [item(newProjectNo('replay'), 'accepted')] };
  const req = await signed('transactions', system, body);
  const twin = req.clone();
  assertEquals((await handler(req)).status, 200);
  await refused(twin, 409, 'request_replayed');
});

Deno.test('bad signatures are 401 signature_invalid and write nothing', async () => {
  const body = { items: [item(newProjectNo('sig'), 'accepted')] };
  await refused(signed('transactions', system, body, { signWith: 'not-the-secret-of-this-system-at-all' }), 401, 'signature_invalid');
  await refused(signed('transactions', system, body, { signature: 'f'.repeat(64) }), 401, 'signature_invalid');
  await refused(signed('transactions', system, body, { signature: 'not hex' }), 401, 'signature_invalid');
  // A body changed after signing.
  const req = await signed('transactions', system, body);
  const tampered = new Request(req.url, { method: 'POST', headers: req.headers, body: JSON.stringify({ items: [item(newProjectNo('sig'), 'finished')] }) });
  await refused(tampered, 401, 'signature_invalid');
  // Signed for another moment than the one sent.
  const ts = Math.floor(Date.now() / 1000);
  const other = await signed('transactions', system, body, { ts: ts - 10 });
  const moved = new Request(other.url, { method: 'POST', headers: { ...Object.fromEntries(other.headers), 'x-hcp-timestamp': String(ts) }, body: await other.text() });
  await refused(moved, 401, 'signature_invalid');
});

Deno.test('missing signature headers are 401 signature_missing', async () => {
  const body = { items: [item(newProjectNo('miss'), 'accepted')] };
  for (const omit of ['key', 'timestamp', 'signature'] as const) {
    await refused(signed('transactions', system, body, { omit: [omit] }), 401, 'signature_missing');
  }
});

Deno.test('stale or future timestamps (beyond ±300 s) are 401 timestamp_stale', async () => {
  const body = { items: [item(newProjectNo('stale'), 'accepted')] };
  // The handler reads its clock after this line. A past timestamp only grows staler meanwhile, so
  // the exact boundary is tested there: 301 s before a `now` rounded down is more than 301 s before
  // the handler's clock. A future one comes nearer by the time that passes (up to a second from the
  // rounding alone: `now + 301` was accepted whenever rounding and signing took more than 1 s − ε),
  // so it is tested a minute beyond the window.
  const now = Math.floor(Date.now() / 1000);
  await refused(signed('transactions', system, body, { ts: now - 301 }), 401, 'timestamp_stale');
  await refused(signed('transactions', system, body, { ts: now + 360 }), 401, 'timestamp_stale');
  await refused(signed('transactions', system, body, { ts: now - 3600 * 24 }), 401, 'timestamp_stale');
  // Within the window it passes.
  assertEquals((await handler(await signed('transactions', system, body, { ts: now - 250 }))).status, 200);
});

Deno.test('unknown keys, device keys and revoked keys are refused', async () => {
  const body = { items: [item(newProjectNo('key'), 'accepted')] };
  await refused(signed('transactions', { keyId: 'bs_no_such_key', secret: 'x'.repeat(40) }, body), 401, 'unknown_key');
  // A device key is not a business system key, even with the right signature.
  await refused(signed('transactions', demoPad('530902'), body), 401, 'unknown_key');

  const keyId = `bs_revoked_${crypto.randomUUID().slice(0, 8)}`;
  const secret = crypto.randomUUID() + crypto.randomUUID();
  await db.query(
    `insert into app.business_systems (key_id, secret_enc, name, region_code, status, revoked_at) values ($1, app.pii_encrypt($2), $3, '530902', 'revoked', now())`,
    [keyId, secret, `停用的系统 ${keyId}`]);
  await refused(signed('transactions', { keyId, secret }, body), 403, 'key_revoked');
  // A caller without the secret learns nothing about the revoked key.
  await refused(signed('transactions', { keyId, secret }, body, { signWith: 'guess'.repeat(8) }), 401, 'signature_invalid');
});

Deno.test('content types other than application/json are 415', async () => {
  const body = { items: [item(newProjectNo('ct'), 'accepted')] };
  await refused(signed('transactions', system, body, { contentType: 'text/plain' }), 415, 'unsupported_media_type');
  await refused(signed('transactions', system, body, { contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
  await refused(signed('transactions', system, body, { contentType: null }), 415, 'unsupported_media_type');
  assertEquals((await handler(await signed('transactions', system, body, { contentType: 'application/json; charset=utf-8' }))).status, 200);
});

Deno.test('a signed body that is not JSON is 400 invalid_json; a malformed batch is 400 invalid_input', async () => {
  await refused(signed('transactions', system, '{"items": [ {"project_no": '), 400, 'invalid_json');
  await refused(signed('transactions', system, ''), 400, 'invalid_json');
  for (const body of [[], { items: [] }, { items: 'all' }, { things: [] }, { items: [item(newProjectNo('env'), 'accepted')], extra: 1 }, null]) {
    await refused(signed('transactions', system, body), 400, 'invalid_input');
  }
});

Deno.test('only POST is served', async () => {
  const res = await handler(new Request('http://functions.local/transactions', { method: 'GET' }));
  assertEquals(res.status, 405);
  assertEquals((await res.json()).code, 'method_not_allowed');
});
