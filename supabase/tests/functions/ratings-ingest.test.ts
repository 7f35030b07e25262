/**
 * ratings-ingest in the real Deno runtime against the test stack: 评价器, the 12345 hotline and
 * other devices push HMAC-signed batches of ratings. Proves idempotency by (device, external
 * id), R3 (one first rating per 办件), R4 (a hall device only for its own hall), offline-buffered
 * ratings (original time kept; refused per item once past the rating window), R7 tags, per-item
 * results, and that every refused request is a 4xx with a stable code and writes nothing.
 */
import { assertEquals, assertMatch } from './assert.ts';
import { handler } from '../../functions/ratings-ingest/handler.ts';
import {
  CHINESE, connectDb, type Db, demoPad, demoPhone, demoSystem, newExternalId, newProjectNo, results, seededIds, signed, writeCounts,
} from './ingest_support.ts';

const db: Db = await connectDb();
const linxiang = await seededIds(db, '530902');
const fengqing = await seededIds(db, '530921');
const pad = demoPad('530902');

const ago = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

/**
 * A 办件 of 临翔区自然资源局 at its window in the 临翔 hall (or of 凤庆, or online without a hall),
 * finished `finishedHoursAgo` hours ago (null: still in progress). Returns its 办件编号.
 */
async function transaction(opts: { finishedHoursAgo: number | null; place?: 'linxiang' | 'fengqing' | 'online' }): Promise<string> {
  const no = newProjectNo('R');
  const ids = opts.place === 'fengqing' ? fengqing : linxiang;
  const online = opts.place === 'online';
  await db.query(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id, channel, status, accepted_at, finished_at)
     select $1, m.id, m.unit_id, u.region_code, $2, $3, $4, $5, $6, now() - make_interval(hours => coalesce($7::int, 0) + 2), now() - make_interval(hours => $7::int)
     from app.matters m join app.units u on u.id = m.unit_id where m.code = $8`,
    [no, online ? null : ids.hallId, online ? null : ids.windowId, online ? null : ids.staffId, online ? 'mobile' : 'hall_pad',
      opts.finishedHoursAgo === null ? 'processing' : 'finished', opts.finishedHoursAgo, ids.matterCode],
  );
  return no;
}

function rating(extra: Record<string, unknown>) {
  return { external_id: newExternalId(), level: 5, tags: ['517'], rated_at: ago(0.5), ...extra };
}

const push = async (items: unknown[], key: { keyId: string; secret: string } = pad) => handler(await signed('ratings-ingest', key, { items }));

async function stored(id: string) {
  const { rows } = await db.query(
    `select r.level, r.channel, r.rater_user_id, r.is_default, r.is_bad, r.tags, r.rated_at, r.visit_day::text, r.hall_id::text,
            r.window_id::text, r.transaction_id::text,
            (select f.id::text from app.ratings f where f.transaction_id = r.transaction_id and f.assess_number = 1 and f.validity <> 'superseded') as first_rating_id
     from app.ratings r where r.id = $1`, [id]);
  return rows[0];
}

async function refused(req: Request | Promise<Request>, status: number, code: string) {
  const before = await writeCounts(db);
  const res = await handler(await req);
  const body = await res.json();
  assertEquals({ status: res.status, code: body.code }, { status, code });
  assertMatch(body.message, CHINESE);
  assertEquals(body.results, undefined);
  assertEquals(await writeCounts(db), before);
}

Deno.test('a 评价器 rates a finished 办件 of its hall: one rating, channel hall_pad, the original time, no rater', async () => {
  const no = await transaction({ finishedHoursAgo: 1 });
  const ratedAt = ago(0.5);
  const [r] = await results(await push([rating({ project_no: no, level: 4, tags: ['413'], rated_at: ratedAt, comment: '窗口很耐心' })]));
  assertEquals({ status: r!.status, index: r!.index, is_bad: r!.is_bad }, { status: 'created', index: 0, is_bad: false });
  const s = await stored(r!.id!);
  assertEquals(
    { level: s.level, channel: s.channel, rater: s.rater_user_id, is_default: s.is_default, tags: s.tags, rated_at: s.rated_at.toISOString(), hall: s.hall_id, first: s.first_rating_id },
    { level: 4, channel: 'hall_pad', rater: null, is_default: false, tags: ['413'], rated_at: ratedAt, hall: linxiang.hallId, first: r!.id },
  );

  // R3: the 办件 has its first rating; another rating of it is already_rated.
  const [again] = await results(await push([rating({ project_no: no })]));
  assertEquals({ status: again!.status, code: again!.code }, { status: 'rejected', code: 'already_rated' });
});

Deno.test('every level is accepted (R1); a 差评 needs a tag of its level (R7); comments ≤ 500', async () => {
  const nos = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => transaction({ finishedHoursAgo: 2 })));
  const res = await results(await push([
    rating({ project_no: nos[0], level: 1, tags: ['115'] }),
    rating({ project_no: nos[1], level: 2, tags: ['214'], comment: '等了很久' }),
    rating({ project_no: nos[2], level: 3, tags: [] }),
    rating({ project_no: nos[3], level: 1, tags: [] }),
    rating({ project_no: nos[4], level: 5, tags: ['115'] }),
    rating({ project_no: nos[5], level: 2, tags: ['214'], comment: '差'.repeat(501) }),
    rating({ project_no: nos[6], level: 1, tags: ['115', '115'] }),
  ]));
  assertEquals(res.map((r) => [r.status, r.code ?? null, r.is_bad ?? null]), [
    ['created', null, true],
    ['created', null, true],
    ['created', null, false],
    ['rejected', 'tag_required', null],
    ['rejected', 'invalid_tag_for_level', null],
    ['rejected', 'comment_too_long', null],
    ['rejected', 'invalid_tag_for_level', null],
  ]);
  const { rows } = await db.query(
    `select count(*)::int as n from app.transactions where project_no = any($1) and app.is_rated(id)`, [nos]);
  assertEquals(rows[0].n, 3);
});

Deno.test('idempotent by (device, external id): a repeat is replayed with the first id; another payload under it is a conflict', async () => {
  const no = await transaction({ finishedHoursAgo: 1 });
  const item = rating({ project_no: no, level: 2, tags: ['213'] });
  const first = await results(await push([item, item]));
  assertEquals(first.map((r) => r.status), ['created', 'replayed']);
  assertEquals(first[1]!.id, first[0]!.id);

  const before = await writeCounts(db);
  const later = await results(await push([item, { ...item, level: 1, tags: ['115'] }]));
  assertEquals(later.map((r) => [r.status, r.id ?? null, r.original_status ?? null, r.code ?? null]), [
    ['replayed', first[0]!.id, 'created', null],
    ['rejected', null, null, 'idempotency_conflict'],
  ]);
  assertEquals(await writeCounts(db), { ...before, signatures: before.signatures! + 1 });

  // The same external id from another device is that device's own rating (here: already rated).
  const [other] = await results(await push([item], demoPhone));
  assertEquals({ status: other!.status, code: other!.code }, { status: 'rejected', code: 'already_rated' });
});

Deno.test('two batches racing with the same external id (10 rounds): one rating, the twin answers replayed with its id', async () => {
  for (let round = 0; round < 10; round++) {
    const no = await transaction({ finishedHoursAgo: 1 });
    const body = { items: [rating({ project_no: no, level: 1, tags: ['110'] })] };
    const now = Math.floor(Date.now() / 1000);
    const [[ra], [rb]] = await Promise.all([
      signed('ratings-ingest', pad, body, { ts: now }).then(handler).then(results),
      signed('ratings-ingest', pad, body, { ts: now - 1 }).then(handler).then(results),
    ]);
    assertEquals([ra!.status, rb!.status].sort(), ['created', 'replayed']);
    assertEquals(ra!.id, rb!.id);
    const { rows } = await db.query(
      `select count(*)::int as n from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no = $1`, [no]);
    assertEquals(rows[0].n, 1);
  }
});

Deno.test('R4: a hall device rates only its own hall — another hall’s 办件 or window, or an online 办件, is refused per item', async () => {
  const here = await transaction({ finishedHoursAgo: 1 });
  const there = await transaction({ finishedHoursAgo: 1, place: 'fengqing' });
  const online = await transaction({ finishedHoursAgo: 1, place: 'online' });
  const before = await writeCounts(db);
  const res = await results(await push([
    rating({ project_no: there }),
    rating({ window_id: fengqing.windowId }),
    rating({ project_no: online }),
  ]));
  assertEquals(res.map((r) => [r.status, r.code]), [
    ['rejected', 'device_other_hall'], ['rejected', 'device_other_hall'], ['rejected', 'device_other_hall'],
  ]);
  for (const r of res) assertMatch(r.message!, CHINESE);
  assertEquals(await writeCounts(db), { ...before, signatures: before.signatures! + 1 });

  // 凤庆's own 评价器 may rate them; 临翔's 办件 is not its.
  const theirs = await results(await push([rating({ project_no: there }), rating({ project_no: here })], demoPad('530921')));
  assertEquals(theirs.map((r) => [r.status, r.code ?? null]), [['created', null], ['rejected', 'device_other_hall']]);
});

Deno.test('the city’s 12345 hotline rates 办件 of every county, on channel phone', async () => {
  const no = await transaction({ finishedHoursAgo: 1, place: 'online' });
  const [r] = await results(await push([rating({ project_no: no, level: 3, tags: [] })], demoPhone));
  assertEquals(r!.status, 'created');
  assertEquals((await stored(r!.id!)).channel, 'phone');
});

Deno.test('window visits (一次一评) by a 评价器, several a day, each with its visit day', async () => {
  const res = await results(await push([
    rating({ window_id: linxiang.windowId, staff_id: linxiang.staffId }),
    rating({ window_id: linxiang.windowId, level: 4, tags: [] }),
  ]));
  assertEquals(res.map((r) => r.status), ['created', 'created']);
  const s = await stored(res[0]!.id!);
  assertEquals({ window: s.window_id, transaction: s.transaction_id, channel: s.channel }, { window: linxiang.windowId, transaction: null, channel: 'hall_pad' });
  const shanghaiDay = new Date(Date.parse(s.rated_at.toISOString()) + 8 * 3600_000).toISOString().slice(0, 10);
  assertEquals(s.visit_day, shanghaiDay);
});

Deno.test('offline-buffered ratings keep their original time; past the rating window they are refused per item', async () => {
  // Finished three days ago (inside its 5-working-day window); rated then, arriving now.
  const buffered = await transaction({ finishedHoursAgo: 72 });
  // Finished 20 days ago: its window closed long before the rating was made.
  const closed = await transaction({ finishedHoursAgo: 20 * 24 });
  const ratedThen = ago(71);
  const res = await results(await push([
    rating({ project_no: buffered, rated_at: ratedThen }),
    rating({ project_no: closed, rated_at: ago(1) }),
    rating({ window_id: linxiang.windowId, rated_at: ago(20 * 24) }),
    rating({ window_id: linxiang.windowId, rated_at: ago(30) }),
  ]));
  assertEquals(res.map((r) => [r.status, r.code ?? null]), [
    ['created', null], ['rejected', 'rating_window_closed'], ['rejected', 'rating_window_closed'], ['created', null],
  ]);
  assertEquals((await stored(res[0]!.id!)).rated_at.toISOString(), ratedThen);
  assertMatch(res[1]!.message!, CHINESE);
});

Deno.test('what is rated must exist, be finished and agree with the 办件', async () => {
  const inProgress = await transaction({ finishedHoursAgo: null });
  const done = await transaction({ finishedHoursAgo: 1 });
  const res = await results(await push([
    rating({ project_no: inProgress }),
    rating({ project_no: 'ING-NO-SUCH-BANJIAN' }),
    rating({ window_id: '11111111-1111-4111-8111-111111111111' }),
    rating({ project_no: done, window_id: fengqing.windowId }),
    rating({ project_no: done, rated_at: ago(10) }),
    rating({ window_id: linxiang.windowId, staff_id: '00000000-0000-4000-8000-000000000b03' }),
    rating({ project_no: done, rated_at: new Date(Date.now() + 3600_000).toISOString() }),
  ]));
  assertEquals(res.map((r) => [r.status, r.code, r.details]), [
    ['rejected', 'not_finished', 'project_no'],
    ['rejected', 'unknown_transaction', 'project_no'],
    ['rejected', 'unknown_reference', 'window_id'],
    ['rejected', 'invalid_input', 'window_id'],
    ['rejected', 'invalid_input', 'rated_at'],
    ['rejected', 'invalid_input', 'staff_id'],
    ['rejected', 'invalid_input', 'rated_at'],
  ]);
});

Deno.test('items of the wrong shape are rejected alone, with the offending field; the rest of the batch is applied', async () => {
  const no = await transaction({ finishedHoursAgo: 1 });
  const res = await results(await push([
    rating({ project_no: no, level: 6 }),
    rating({ project_no: no, level: '5' }),
    { external_id: newExternalId(), project_no: no, level: 5 },
    rating({}),
    rating({ project_no: no, rater: 'someone' }),
    rating({ project_no: no, tags: '517' }),
    42,
    rating({ project_no: no }),
  ]));
  assertEquals(res.map((r) => [r.index, r.status, r.code ?? null]), [
    [0, 'rejected', 'invalid_input'],
    [1, 'rejected', 'invalid_input'],
    [2, 'rejected', 'invalid_input'],
    [3, 'rejected', 'invalid_input'],
    [4, 'rejected', 'invalid_input'],
    [5, 'rejected', 'invalid_input'],
    [6, 'rejected', 'invalid_input'],
    [7, 'created', null],
  ]);
  const paths = (i: number) => (res[i]!.details as Array<{ path: string }>).map((d) => d.path);
  assertEquals(paths(0), ['level']);
  assertEquals(paths(2), ['rated_at']);
  assertEquals(paths(3), ['project_no']);
  assertEquals(res[0]!.external_id?.startsWith('ext-'), true);
  assertEquals(res[6]!.external_id, null);
});

Deno.test('whole requests refused with a code and nothing written: signature, time, replay, keys, type, JSON, size', async () => {
  const no = await transaction({ finishedHoursAgo: 1 });
  const body = { items: [rating({ project_no: no })] };
  const now = Math.floor(Date.now() / 1000);
  await refused(signed('ratings-ingest', pad, body, { signWith: 'wrong'.repeat(8) }), 401, 'signature_invalid');
  await refused(signed('ratings-ingest', pad, body, { omit: ['signature'] }), 401, 'signature_missing');
  await refused(signed('ratings-ingest', pad, body, { ts: now - 400 }), 401, 'timestamp_stale');
  await refused(signed('ratings-ingest', pad, body, { ts: now + 400 }), 401, 'timestamp_stale');
  await refused(signed('ratings-ingest', pad, body, { contentType: 'text/plain' }), 415, 'unsupported_media_type');
  await refused(signed('ratings-ingest', pad, '{"items": [}'), 400, 'invalid_json');
  await refused(signed('ratings-ingest', pad, { items: {} }), 400, 'invalid_input');
  await refused(signed('ratings-ingest', pad, { items: Array.from({ length: 501 }, () => rating({ project_no: no })) }), 413, 'batch_too_large');
  await refused(signed('ratings-ingest', { keyId: 'dev_no_such_device', secret: 'x'.repeat(40) }, body), 401, 'unknown_key');
  // A business system's key is not a device key.
  await refused(signed('ratings-ingest', demoSystem('530902'), body), 401, 'unknown_key');

  const keyId = `dev_revoked_${crypto.randomUUID().slice(0, 8)}`;
  const secret = crypto.randomUUID() + crypto.randomUUID();
  await db.query(
    `insert into app.rating_devices (key_id, secret_enc, kind, name, hall_id, region_code, status, revoked_at)
     values ($1, app.pii_encrypt($2), 'hall_pad', $3, $4, '530902', 'revoked', now())`, [keyId, secret, `停用的评价器 ${keyId}`, linxiang.hallId]);
  await refused(signed('ratings-ingest', { keyId, secret }, body), 403, 'key_revoked');

  // The same signed request twice: the second is a replay, refused whole.
  const req = await signed('ratings-ingest', pad, body);
  const twin = req.clone();
  assertEquals((await results(await handler(req)))[0]!.status, 'created');
  await refused(twin, 409, 'request_replayed');
});
