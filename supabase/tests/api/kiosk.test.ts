/**
 * 窗口评价器 on a tablet (issue 18), through the public API as a tablet, an admin and an attacker
 * call it: pairing codes are single use, expire, resist guessing (per address and overall, under
 * parallel guesses), are issued only by a unit admin of the window's unit or a supervisor of its
 * region; a revoked tablet is refused at its next request; a tablet rates only its own window's
 * 办件; a captured request cannot be replayed, not even with the signature's low-s/high-s twin.
 * Each refusal: the exact code and status, and the rows it could touch unchanged (fingerprints).
 */
import { randomUUID } from 'node:crypto';
import { ERRORS } from '../../../shared/errors.ts';
import { connect, rowsFingerprint, type Db } from '../../../tests/support/db.ts';
import {
  feed, newKeyPair, pair, pairedTablet, pushFinished, rate, sendSigned, signCall, ZR_WINDOW_SQL, type Answer, type Tablet,
} from '../../../tests/support/kiosk.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

jest.setTimeout(120_000);

const { rpc } = personaClientsPerFile(['supervisor-city', 'supervisor-fengqing', 'unit-admin-linxiang', 'staff-linxiang']);

let db: Db;
let zr: { windowId: string; matterCode: string; staffId: string };
let lxWindow: string;
const startedAt = new Date();

beforeAll(async () => {
  db = await connect();
  zr = (await db.query(ZR_WINDOW_SQL)).rows[0];
  lxWindow = (await db.query(`select w.id from app.windows w join app.units u on u.id = w.unit_id
    where u.name = '临翔区市场监督管理局' order by w.id limit 1`)).rows[0].id;
  // Earlier files' failed attempts (the bad-input corpus) must not count against these tests.
  await db.query(`delete from app.kiosk_pairing_attempts where result <> 'paired'`);
});
afterAll(async () => {
  // The limits are shared by the whole stack: leave no failed attempt behind for later tiers.
  await db.query(`delete from app.kiosk_pairing_attempts where at >= $1::timestamptz - interval '1 minute'`, [startedAt]);
  await db.end();
});

const expectRefused = (a: Answer, code: keyof typeof ERRORS) => {
  expect({ status: a.status, code: a.body?.code, message: a.body?.message }).toEqual({ status: ERRORS[code].status, code, message: ERRORS[code].message });
};

async function newCode(who: 'supervisor-city' | 'unit-admin-linxiang', windowId: string): Promise<string> {
  const res = await rpc(who, 'create_kiosk_pairing', { p_window_id: windowId });
  expect(res.error).toBeNull();
  const row = (res.data as Array<{ code: string; expires_at: string; window_id: string }>)[0]!;
  expect(row.code).toMatch(/^[0-9]{6}$/);
  expect(row.window_id).toBe(windowId);
  const ttl = new Date(row.expires_at).getTime() - Date.now();
  expect(ttl).toBeGreaterThan(9 * 60_000);
  expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 5_000);
  return row.code;
}

/** What a pairing could write: devices and pairings. */
const pairingState = async () =>
  `${await rowsFingerprint(db, 'select * from app.rating_devices')}|${await rowsFingerprint(db, 'select * from app.kiosk_pairings')}`;

/** Six digits that are not a live code. */
async function wrongCode(): Promise<string> {
  for (;;) {
    const c = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const { rows } = await db.query(`select 1 from app.kiosk_pairings where code_hash = app.kiosk_code_hash($1)`, [c]);
    if (rows.length === 0) return c;
  }
}

describe('pairing', () => {
  test('a supervisor\'s code pairs one tablet with the window: its public key, no secret; the code is spent', async () => {
    const code = await newCode('supervisor-city', zr.windowId);
    const { rows: [hashed] } = await db.query(`select count(*)::int as n from app.kiosk_pairings where code_hash = convert_to($1, 'UTF8')`, [code]);
    expect(hashed.n).toBe(0); // never stored in clear
    const tablet = await pairedTablet(code);
    expect(tablet.keyId).toMatch(/^dev_[0-9a-f]{32}$/);
    expect(tablet.window.id).toBe(zr.windowId);
    const { rows: [d] } = await db.query(`select kind, window_id, secret_enc, public_key, status, hall_id = (select hall_id from app.windows where id = $2) as same_hall
      from app.rating_devices where key_id = $1`, [tablet.keyId, zr.windowId]);
    expect(d).toMatchObject({ kind: 'hall_pad', window_id: zr.windowId, secret_enc: null, public_key: tablet.publicJwk, status: 'active', same_hall: true });
  });

  test('a code is used once: a second tablet with it is refused (pairing_code_used), nothing written', async () => {
    const code = await newCode('supervisor-city', zr.windowId);
    await pairedTablet(code);
    const before = await pairingState();
    expectRefused(await pair(code, (await newKeyPair()).publicJwk, 'reuse'), 'pairing_code_used');
    expect(await pairingState()).toBe(before);
  });

  test('a code expires after 10 minutes (pairing_code_expired), nothing written', async () => {
    const code = await newCode('supervisor-city', zr.windowId);
    // The code was issued 10 minutes and a second ago.
    await db.query(`update app.kiosk_pairings set created_at = created_at - interval '601 seconds', expires_at = expires_at - interval '601 seconds'
      where code_hash = app.kiosk_code_hash($1)`, [code]);
    const before = await pairingState();
    expectRefused(await pair(code, (await newKeyPair()).publicJwk, 'late'), 'pairing_code_expired');
    expect(await pairingState()).toBe(before);
  });

  test('a new code voids the window\'s earlier unused one (pairing_code_invalid)', async () => {
    const first = await newCode('supervisor-city', zr.windowId);
    await newCode('supervisor-city', zr.windowId);
    const before = await pairingState();
    expectRefused(await pair(first, (await newKeyPair()).publicJwk, 'void'), 'pairing_code_invalid');
    expect(await pairingState()).toBe(before);
  });

  test('a key that is not a P-256 point is refused before any code is looked at', async () => {
    const code = await newCode('supervisor-city', zr.windowId);
    const before = await pairingState();
    const bad = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) } as const;
    expectRefused(await pair(code, bad, 'bad-key'), 'invalid_input');
    expect(await pairingState()).toBe(before);
    await pairedTablet(code); // the code is still good
  });

  test('brute force from one address: after 5 wrong codes in 10 minutes even the right code is refused (429), nothing written', async () => {
    const source = `guesser-${randomUUID()}`;
    const code = await newCode('supervisor-city', zr.windowId);
    const kp = await newKeyPair();
    for (let i = 0; i < 5; i++) expectRefused(await pair(await wrongCode(), kp.publicJwk, source), 'pairing_code_invalid');
    const before = await pairingState();
    const attempts = await rowsFingerprint(db, 'select * from app.kiosk_pairing_attempts');
    expectRefused(await pair(code, kp.publicJwk, source), 'pairing_rate_limited');
    expect(await pairingState()).toBe(before);
    expect(await rowsFingerprint(db, 'select * from app.kiosk_pairing_attempts')).toBe(attempts);
    // Another address still pairs with it.
    expect((await pair(code, kp.publicJwk, `other-${randomUUID()}`)).status).toBe(200);
  });

  test('brute force from many addresses at once: 30 failures in all close pairing for everyone; parallel guesses cannot overrun it', async () => {
    await db.query(`delete from app.kiosk_pairing_attempts where result <> 'paired'`);
    const code = await newCode('supervisor-city', zr.windowId);
    const kp = await newKeyPair();
    const guesses = await Promise.all(Array.from({ length: 40 }, async () => {
      const a = await pair(await wrongCode(), kp.publicJwk, `bot-${randomUUID()}`);
      return a.body?.code as string;
    }));
    expect(guesses.filter((c) => c === 'pairing_code_invalid').length).toBe(30);
    expect(guesses.filter((c) => c === 'pairing_rate_limited').length).toBe(10);
    const before = await pairingState();
    expectRefused(await pair(code, kp.publicJwk, `honest-${randomUUID()}`), 'pairing_rate_limited');
    expect(await pairingState()).toBe(before);
    await db.query(`delete from app.kiosk_pairing_attempts where result <> 'paired'`);
    expect((await pair(code, kp.publicJwk, `honest-${randomUUID()}`)).status).toBe(200);
  });

  test('only a unit admin of the window\'s unit or a supervisor of its region issues codes; nothing written otherwise', async () => {
    const before = await rowsFingerprint(db, 'select * from app.kiosk_pairings');
    // Another unit's admin (市场监督管理局 → 自然资源局's window), a supervisor of another county, plain staff of the unit.
    await refused(rpc('unit-admin-linxiang', 'create_kiosk_pairing', { p_window_id: zr.windowId }), 'forbidden');
    await refused(rpc('supervisor-fengqing', 'create_kiosk_pairing', { p_window_id: zr.windowId }), 'forbidden');
    await refused(rpc('staff-linxiang', 'create_kiosk_pairing', { p_window_id: lxWindow }), 'forbidden');
    await refused(rpc('supervisor-fengqing', 'kiosk_devices', { p_window_id: zr.windowId }), 'forbidden');
    expect(await rowsFingerprint(db, 'select * from app.kiosk_pairings')).toBe(before);
    // The unit's own admin may.
    const code = await newCode('unit-admin-linxiang', lxWindow);
    const tablet = await pairedTablet(code);
    const { data } = await rpc('unit-admin-linxiang', 'kiosk_devices', { p_window_id: lxWindow });
    expect((data as Array<{ key_id: string }>).map((d) => d.key_id)).toContain(tablet.keyId);
    // …and revokes it; another unit's admin may not.
    const { rows: [dev] } = await db.query(`select id from app.rating_devices where key_id = $1`, [tablet.keyId]);
    const zrCode = await newCode('supervisor-city', zr.windowId);
    const zrTablet = await pairedTablet(zrCode);
    const { rows: [zrDev] } = await db.query(`select id from app.rating_devices where key_id = $1`, [zrTablet.keyId]);
    const devices = await rowsFingerprint(db, 'select * from app.rating_devices');
    await refused(rpc('unit-admin-linxiang', 'revoke_kiosk_device', { p_device_id: zrDev.id }), 'forbidden');
    expect(await rowsFingerprint(db, 'select * from app.rating_devices')).toBe(devices);
    expect((await rpc('unit-admin-linxiang', 'revoke_kiosk_device', { p_device_id: dev.id })).error).toBeNull();
  });
});

describe('a paired tablet', () => {
  let tablet: Tablet;
  beforeAll(async () => {
    tablet = await pairedTablet(await newCode('supervisor-city', zr.windowId));
  });

  test('sees a 办件 the business system reports finished within 2 s; newest first; never the applicant', async () => {
    const older = await pushFinished(zr, 2);
    const t0 = Date.now();
    const newer = await pushFinished(zr);
    let seen: Answer | undefined;
    while (Date.now() - t0 < 2000) {
      const a = await feed(tablet);
      expect(a.status).toBe(200);
      if (a.body.items.some((i: { project_no: string }) => i.project_no === newer)) { seen = a; break; }
    }
    expect(seen).toBeDefined();
    const nos = seen!.body.items.map((i: { project_no: string }) => i.project_no);
    expect(nos.indexOf(newer)).toBeLessThan(nos.indexOf(older));
    expect(seen!.body.window).toMatchObject({ id: zr.windowId });
    for (const item of seen!.body.items) expect(Object.keys(item).sort()).toEqual(['finished_at', 'matter_name', 'project_no', 'staff_name']);
    expect(seen!.text).not.toMatch(/applicant|agent|phone|id_number/);
  });

  test('a 差评 of its window\'s 办件 is taken, with its original time, and opens a work order; the 办件 leaves the feed', async () => {
    const projectNo = await pushFinished(zr);
    const ratedAt = new Date(Date.now() - 20_000).toISOString();
    const a = await rate(tablet, [{ external_id: randomUUID(), project_no: projectNo, level: 1, tags: ['115'], rated_at: ratedAt }]);
    expect(a.status).toBe(200);
    expect(a.body.results[0]).toMatchObject({ status: 'created', is_bad: true });
    const { rows: [r] } = await db.query(`select r.channel, r.rated_at, (select count(*)::int from app.work_orders w where w.rating_id = r.id) as orders
      from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no = $1`, [projectNo]);
    expect(r).toMatchObject({ channel: 'hall_pad', orders: 1 });
    expect(new Date(r.rated_at).toISOString()).toBe(ratedAt);
    const after = await feed(tablet);
    expect(after.body.items.map((i: { project_no: string }) => i.project_no)).not.toContain(projectNo);
  });

  test('rating another window\'s 办件 is refused (device_other_window), nothing written', async () => {
    const { rows: [other] } = await db.query(`select t.project_no, t.id from app.transactions t
      where t.window_id <> $1 and t.hall_id = (select hall_id from app.windows where id = $1) and t.status = 'finished'
        and exists (select 1 from app.rating_pending p where p.transaction_id = t.id)
        and t.rating_due_at > now() limit 1`, [zr.windowId]);
    expect(other).toBeDefined();
    const watched = `select 'r' as k, r::text as v from app.ratings r where r.transaction_id = '${other.id}'
      union all select 'l', l::text from app.rating_ingest_log l join app.rating_devices d on d.id = l.device_id where d.key_id = '${tablet.keyId}'
      union all select 'w', w::text from app.work_orders w where w.transaction_id = '${other.id}'`;
    const before = await rowsFingerprint(db, watched);
    const a = await rate(tablet, [{ external_id: randomUUID(), project_no: other.project_no, level: 1, tags: ['115'], rated_at: new Date().toISOString() }]);
    expect(a.status).toBe(200);
    expect(a.body.results[0]).toMatchObject({ status: 'rejected', code: 'device_other_window', message: ERRORS.device_other_window.message });
    expect(await rowsFingerprint(db, watched)).toBe(before);
  });

  test('a captured request is not accepted again, nor its twin signature (s ↔ n − s)', async () => {
    const projectNo = await pushFinished(zr);
    const call = await signCall(tablet, { items: [{ external_id: randomUUID(), project_no: projectNo, level: 5, tags: [], rated_at: new Date().toISOString() }] });
    expect((await sendSigned('ratings-ingest', tablet.keyId, call)).status).toBe(200);
    const ratings = await rowsFingerprint(db, `select r.* from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no = '${projectNo}'`);
    expectRefused(await sendSigned('ratings-ingest', tablet.keyId, call), 'request_replayed');
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const s = BigInt(`0x${call.signature.slice(64)}`);
    const twin = { ...call, signature: call.signature.slice(0, 64) + (n - s).toString(16).padStart(64, '0') };
    expectRefused(await sendSigned('ratings-ingest', tablet.keyId, twin), 'request_replayed');
    expect(await rowsFingerprint(db, `select r.* from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no = '${projectNo}'`)).toBe(ratings);
  });

  test('another key cannot sign for it (signature_invalid); a vendor device key cannot read a window feed (unknown_key)', async () => {
    const stranger = await newKeyPair();
    expectRefused(await sendSigned('kiosk-feed', tablet.keyId, await signCall(stranger, {})), 'signature_invalid');
    const projectNo = await pushFinished(zr);
    const before = await rowsFingerprint(db, `select r.* from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no = '${projectNo}'`);
    expectRefused(await sendSigned('ratings-ingest', tablet.keyId, await signCall(stranger, { items: [{ external_id: randomUUID(), project_no: projectNo, level: 5, tags: [], rated_at: new Date().toISOString() }] })), 'signature_invalid');
    expect(await rowsFingerprint(db, `select r.* from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no = '${projectNo}'`)).toBe(before);
    expectRefused(await sendSigned('kiosk-feed', 'dev_demo_pad_530902', await signCall(stranger, {})), 'unknown_key');
  });

  test('revoked in 管理, it is refused at its next request (key_revoked): no feed, no rating written', async () => {
    const victim = await pairedTablet(await newCode('supervisor-city', zr.windowId));
    expect((await feed(victim)).status).toBe(200);
    const projectNo = await pushFinished(zr);
    const { rows: [dev] } = await db.query(`select id from app.rating_devices where key_id = $1`, [victim.keyId]);
    const res = await rpc('supervisor-city', 'revoke_kiosk_device', { p_device_id: dev.id });
    expect(res.error).toBeNull();
    expect((res.data as Array<{ status: string }>)[0]!.status).toBe('revoked');
    const watched = `select r::text from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no = '${projectNo}'
      union all select l::text from app.rating_ingest_log l where l.device_id = '${dev.id}'`;
    const before = await rowsFingerprint(db, watched);
    expectRefused(await feed(victim), 'key_revoked');
    expectRefused(await rate(victim, [{ external_id: randomUUID(), project_no: projectNo, level: 1, tags: ['115'], rated_at: new Date().toISOString() }]), 'key_revoked');
    expect(await rowsFingerprint(db, watched)).toBe(before);
    // Revoking twice changes nothing.
    const devices = await rowsFingerprint(db, `select * from app.rating_devices where id = '${dev.id}'`);
    expect((await rpc('supervisor-city', 'revoke_kiosk_device', { p_device_id: dev.id })).error).toBeNull();
    expect(await rowsFingerprint(db, `select * from app.rating_devices where id = '${dev.id}'`)).toBe(devices);
  });
});
