/**
 * Ingestion keys and batches in the real database: HMAC secrets are readable by no API role
 * (only ingest_key_secret(), for the service role); supervisors create, list and revoke keys of
 * their own regions only; staff, citizens and anon cannot; the batch RPCs are the service
 * role's, and with an injected now they prove the replay guard, the time check and the rating
 * window of offline-buffered ratings.
 */
import { PERSONA_KEYS } from '../../../shared/personas.ts';
import { anon, as, type Actor, codeOf, connect, type Db, failure, PERSONA_IDS, serviceRole, user } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const cityUser = user(PERSONA_IDS['supervisor-city']);
const fengqingUser = user(PERSONA_IDS['supervisor-fengqing']);
const personas: Array<[string, Actor]> = PERSONA_KEYS.map((k) => [k, user(PERSONA_IDS[k])]);
const notSupervisors = personas.filter(([k]) => !k.startsWith('supervisor-'));
const everyApiRole: Array<[string, Actor]> = [['anon', anon], ...personas, ['service_role', serviceRole]];

const HALL = (region: string) => `md5('hall:${region}')::uuid`;

describe('secrets are invisible to every API role', () => {
  const tables = ['business_systems', 'rating_devices', 'ingest_signatures', 'transaction_status_events', 'rating_ingest_log'];
  test.each(everyApiRole)('%s cannot read any ingestion table', async (_name, actor) => {
    for (const t of tables) {
      const err = await as(db, actor, (q) => failure(q(`select * from app.${t}`)));
      expect(err.code).toBe('42501');
    }
    const err = await as(db, actor, (q) => failure(q(`select secret_enc from app.business_systems where key_id = 'bs_demo_530902'`)));
    expect(err.code).toBe('42501');
  });

  test('secrets are stored encrypted (issue 13): no clear column, and the bytes are not the secret', async () => {
    const cols = (await db.query(
      `select table_name, column_name from information_schema.columns
       where table_schema = 'app' and table_name in ('business_systems', 'rating_devices') and column_name like 'secret%' order by 1, 2`)).rows;
    expect(cols).toEqual([
      { table_name: 'business_systems', column_name: 'secret_enc' },
      { table_name: 'rating_devices', column_name: 'secret_enc' },
    ]);
    for (const t of ['business_systems', 'rating_devices']) {
      const { rows } = await db.query(
        `select count(*)::int as n, count(*) filter (where position(convert_to('secret-not-for-production', 'UTF8') in secret_enc) > 0)::int as clear
         from app.${t}`);
      expect(rows[0].n).toBeGreaterThan(0);
      expect(rows[0].clear).toBe(0);
    }
    const { rows: [bs] } = await db.query(`select app.pii_decrypt(secret_enc) as s from app.business_systems where key_id = 'bs_demo_530902'`);
    expect(bs.s).toBe('demo-bs-530902-secret-not-for-production');
    // A key created through the API is encrypted too; the answer still carries it once, in clear.
    await as(db, cityUser, async (q) => {
      const { rows: [created] } = await q(`select * from public.create_rating_device('sms', '加密测试网关', null, '530902')`);
      await q('reset role');
      const { rows: [row] } = await q(`select encode(secret_enc, 'escape') as raw, app.pii_decrypt(secret_enc) as s from app.rating_devices where key_id = $1`, [created.key_id]);
      expect(row.raw).not.toContain(created.secret);
      expect(row.s).toBe(created.secret);
    });
  });

  test('ingest_keys() lists keys without any secret', async () => {
    const { rows, fields } = await as(db, cityUser, (q) => q('select * from public.ingest_keys()'));
    expect(fields.map((f) => f.name)).not.toContain('secret');
    expect(rows.some((r) => r.key_id === 'bs_demo_530902')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('secret-not-for-production');
  });

  test('only the service role looks up a secret (the functions verify signatures with it)', async () => {
    const { rows } = await as(db, serviceRole, (q) => q(`select kind, secret, status, region_code from public.ingest_key_secret('dev_demo_pad_530921')`));
    expect(rows).toEqual([{ kind: 'hall_pad', secret: 'demo-pad-530921-secret-not-for-production', status: 'active', region_code: '530921' }]);
    for (const [, actor] of [['anon', anon] as [string, Actor], ...personas]) {
      const err = await as(db, actor, (q) => failure(q(`select * from public.ingest_key_secret('bs_demo_530902')`)));
      expect(err.code).toBe('42501');
    }
  });
});

describe('supervisors manage the keys of their own regions', () => {
  test('the city supervisor creates a business system for a county: the secret is shown once', async () => {
    await as(db, cityUser, async (q) => {
      const { rows: [created] } = await q(`select * from public.create_business_system('凤庆县不动产登记系统', '530921')`);
      expect(created.key_id).toMatch(/^bs_[0-9a-f]{32}$/);
      expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(created.region_code).toBe('530921');
      const listed = (await q('select * from public.ingest_keys()')).rows.find((r) => r.key_id === created.key_id);
      expect(listed).toMatchObject({ kind: 'business_system', name: '凤庆县不动产登记系统', status: 'active', revoked_at: null });
      await q('reset role');
      await q('set local role service_role');
      const { rows: [key] } = await q('select secret from public.ingest_key_secret($1)', [created.key_id]);
      expect(key.secret).toBe(created.secret);
    });
  });

  test('a county supervisor creates keys in their county, not in another', async () => {
    await as(db, fengqingUser, async (q) => {
      expect((await q(`select * from public.create_business_system('凤庆县审批系统', '530921')`)).rows).toHaveLength(1);
      const pad = (await q(`select * from public.create_rating_device('hall_pad', '2号评价器', ${HALL('530921')})`)).rows[0];
      expect(pad).toMatchObject({ kind: 'hall_pad', region_code: '530921', hall_id: expect.any(String) });
      const sms = (await q(`select * from public.create_rating_device('sms', '凤庆短信网关', null, '530921')`)).rows[0];
      expect(sms).toMatchObject({ kind: 'sms', hall_id: null, region_code: '530921' });
    });
    for (const sql of [
      `select * from public.create_business_system('临翔区系统', '530902')`,
      `select * from public.create_business_system('市级系统', '530900')`,
      `select * from public.create_rating_device('hall_pad', '越权评价器', ${HALL('530902')})`,
      `select * from public.create_rating_device('phone', '越权热线', null, '530902')`,
    ]) {
      const err = await as(db, fengqingUser, (q) => failure(q(sql)));
      expect(codeOf(err)).toBe('forbidden');
    }
  });

  test('device input is checked: hall devices need a hall, hotline and SMS a region and no hall', async () => {
    for (const [sql, details] of [
      [`select * from public.create_rating_device('hall_pad', '无大厅', null, '530902')`, 'p_hall_id'],
      [`select * from public.create_rating_device('hall_terminal', '大厅不符', ${HALL('530902')}, '530921')`, 'p_hall_id'],
      [`select * from public.create_rating_device('phone', '带大厅的热线', ${HALL('530902')}, '530902')`, 'p_hall_id'],
      [`select * from public.create_rating_device('sms', '无地区', null, null)`, 'p_region_code'],
      [`select * from public.create_rating_device('drone', '无人机', null, '530902')`, 'p_kind'],
      [`select * from public.create_rating_device('hall_pad', '  ', ${HALL('530902')})`, 'p_name'],
      [`select * from public.create_business_system('无地区', '999999')`, 'p_region_code'],
    ] as Array<[string, string]>) {
      const err = await as(db, cityUser, (q) => failure(q(sql)));
      expect([codeOf(err), JSON.parse(err.message).details]).toEqual(['invalid_input', details]);
    }
  });

  test('a county supervisor lists only their county’s keys; the city supervisor every region’s', async () => {
    const fq = await as(db, fengqingUser, async (q) => (await q('select region_code, key_id from public.ingest_keys()')).rows);
    expect(new Set(fq.map((r) => r.region_code))).toEqual(new Set(['530921']));
    expect(fq.map((r) => r.key_id).sort()).toEqual(['bs_demo_530921', 'dev_demo_pad_530921']);
    const city = await as(db, cityUser, async (q) => (await q('select region_code from public.ingest_keys()')).rows);
    expect(new Set(city.map((r) => r.region_code)).size).toBe(9);
  });

  test('revoking: only within one’s regions, final, repeatable; a revoked key’s batches are refused whole', async () => {
    const err = await as(db, fengqingUser, (q) => failure(q(`select * from public.revoke_ingest_key('dev_demo_pad_530902')`)));
    expect(codeOf(err)).toBe('not_found');
    await as(db, cityUser, async (q) => {
      const first = (await q(`select * from public.revoke_ingest_key('dev_demo_pad_530902')`)).rows[0];
      expect(first).toMatchObject({ key_id: 'dev_demo_pad_530902', status: 'revoked', revoked_at: expect.any(Date) });
      const again = (await q(`select * from public.revoke_ingest_key('dev_demo_pad_530902')`)).rows[0];
      expect(again.revoked_at).toEqual(first.revoked_at);
      const missing = await failure(q(`select * from public.revoke_ingest_key('dev_no_such_key')`));
      expect(codeOf(missing)).toBe('not_found');
      // The refusal aborted the transaction: check the revoked key from a fresh one below.
    });
    await as(db, cityUser, async (q) => {
      await q(`select * from public.revoke_ingest_key('bs_demo_530902')`);
      await q('reset role');
      await q('set local role service_role');
      const refused = await failure(q(`select public.ingest_transactions('bs_demo_530902', repeat('c', 64), now(), '[]'::jsonb)`));
      expect(codeOf(refused)).toBe('key_revoked');
    });
  });

  test.each(notSupervisors)('%s cannot manage keys (forbidden)', async (_name, actor) => {
    for (const sql of [
      'select * from public.ingest_keys()',
      `select * from public.create_business_system('系统', '530902')`,
      `select * from public.create_rating_device('hall_pad', '评价器', ${HALL('530902')})`,
      `select * from public.revoke_ingest_key('bs_demo_530902')`,
    ]) {
      const err = await as(db, actor, (q) => failure(q(sql)));
      expect(codeOf(err)).toBe('forbidden');
    }
  });

  test('anon cannot call any key RPC', async () => {
    for (const sql of ['select * from public.ingest_keys()', `select * from public.revoke_ingest_key('bs_demo_530902')`]) {
      const err = await as(db, anon, (q) => failure(q(sql)));
      expect(err.code).toBe('42501');
    }
  });
});

describe('batch RPCs (service role only; the functions call them after checking the signature)', () => {
  test.each([['anon', anon] as [string, Actor], ...personas])('%s cannot call them', async (_name, actor) => {
    for (const fn of ['ingest_transactions', 'ingest_ratings']) {
      const err = await as(db, actor, (q) => failure(q(`select public.${fn}('bs_demo_530902', repeat('d', 64), now(), '[]'::jsonb)`)));
      expect(err.code).toBe('42501');
    }
  });

  const sig = (c: string) => c.repeat(64);

  test('the replay guard, the time check and signature shape refuse a batch whole', async () => {
    await as(db, serviceRole, async (q) => {
      await q(`select public.ingest_ratings('dev_demo_pad_530902', $1, now(), '[]'::jsonb)`, [sig('e')]);
      expect(codeOf(await failure(q(`select public.ingest_ratings('dev_demo_pad_530902', $1, now(), '[]'::jsonb)`, [sig('e')])))).toBe('request_replayed');
    });
    for (const [sql, code] of [
      [`select public.ingest_ratings('dev_demo_pad_530902', '${sig('f')}', now() - interval '301 seconds', '[]'::jsonb)`, 'timestamp_stale'],
      [`select public.ingest_ratings('dev_demo_pad_530902', 'zz', now(), '[]'::jsonb)`, 'signature_invalid'],
      [`select public.ingest_ratings('bs_demo_530902', '${sig('f')}', now(), '[]'::jsonb)`, 'unknown_key'],
      [`select public.ingest_transactions('dev_demo_pad_530902', '${sig('f')}', now(), '[]'::jsonb)`, 'unknown_key'],
      [`select public.ingest_ratings('dev_demo_pad_530902', '${sig('f')}', now(), '{}'::jsonb)`, 'invalid_input'],
    ] as const) {
      const err = await as(db, serviceRole, (q) => failure(q(sql)));
      expect(codeOf(err)).toBe(code);
    }
  });

  /** A finished 办件 at the 临翔 hall (自然资源局), finished at `finished`; returns its 办件编号 and deadline. */
  async function finishedTransaction(q: Db['query'], no: string, finished: string): Promise<Date> {
    const { rows } = await q(
      `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, channel, status, accepted_at, finished_at)
       select $1, m.id, m.unit_id, '530902', ${HALL('530902')}, md5('window:' || m.unit_id)::uuid, 'hall_pad', 'finished',
              $2::timestamptz - interval '1 hour', $2::timestamptz
       from app.matters m where m.code = '530902-ZR-001'
       returning rating_due_at`, [no, finished]);
    return rows[0].rating_due_at;
  }

  const rate = (q: Db['query'], signature: string, now: string, items: unknown[]) =>
    q(`select public.ingest_ratings('dev_demo_pad_530902', $1, $2::timestamptz, $3::jsonb, $2::timestamptz) as r`, [signature, now, JSON.stringify(items)])
      .then((res) => res.rows[0].r as Array<{ status: string; code?: string; id?: string }>);

  test('an offline-buffered rating made inside the window counts even when it arrives after the window closed', async () => {
    await as(db, serviceRole, async (q) => {
      await q('reset role');
      const due = await finishedTransaction(q, 'DB-ING-BUFFERED', '2026-11-02T10:00:00+08:00');
      const late = await finishedTransaction(q, 'DB-ING-LATE', '2026-11-02T10:00:00+08:00');
      await q('set local role service_role');
      expect(due.toISOString()).toBe('2026-11-09T16:00:00.000Z'); // end of Mon 11-09, the 5th working day
      const arriving = '2026-11-12T09:00:00+08:00';
      const res = await rate(q, sig('1'), arriving, [
        { index: 0, external_id: 'buffered-1', project_no: 'DB-ING-BUFFERED', level: 5, tags: [], rated_at: '2026-11-09T17:30:00+08:00' },
        { index: 1, external_id: 'late-1', project_no: 'DB-ING-LATE', level: 5, tags: [], rated_at: '2026-11-10T08:30:00+08:00' },
      ]);
      expect(res.map((r) => [r.status, r.code ?? null])).toEqual([['created', null], ['rejected', 'rating_window_closed']]);
      const { rows } = await q('select rated_at, channel from app.ratings where id = $1', [res[0]!.id]);
      expect(rows[0]).toEqual({ rated_at: new Date('2026-11-09T09:30:00Z'), channel: 'hall_pad' });
    });
  });

  test('once the default was applied, a buffered rating made in time replaces it (issue 19.4); a second one is already_rated (R3)', async () => {
    await as(db, serviceRole, async (q) => {
      await q('reset role');
      await finishedTransaction(q, 'DB-ING-DEFAULTED', '2026-11-02T10:00:00+08:00');
      await q(`select public.apply_default_ratings('2026-11-10T01:00:00+08:00')`);
      await q('set local role service_role');
      const res = await rate(q, sig('2'), '2026-11-12T09:00:00+08:00', [
        { index: 0, external_id: 'buffered-2', project_no: 'DB-ING-DEFAULTED', level: 1, tags: ['115'], rated_at: '2026-11-05T11:00:00+08:00' },
        { index: 1, external_id: 'buffered-3', project_no: 'DB-ING-DEFAULTED', level: 5, tags: [], rated_at: '2026-11-05T12:00:00+08:00' },
      ]);
      expect(res.map((r) => [r.status, r.code ?? null])).toEqual([['created', null], ['rejected', 'already_rated']]);
      await q('reset role');
      const { rows } = await q(`select r.is_default, r.validity from app.ratings r join app.transactions t on t.id = r.transaction_id
                                where t.project_no = 'DB-ING-DEFAULTED' order by r.is_default`);
      expect(rows).toEqual([{ is_default: false, validity: 'valid' }, { is_default: true, validity: 'superseded' }]);
    });
  });

  test('a refused item leaves nothing behind while the rest of its batch commits', async () => {
    await as(db, serviceRole, async (q) => {
      await q('reset role');
      await finishedTransaction(q, 'DB-ING-MIXED', '2026-11-27T10:00:00+08:00');
      await q('set local role service_role');
      const res = await rate(q, sig('3'), '2026-11-27T12:00:00+08:00', [
        { index: 0, external_id: 'mixed-bad', project_no: 'DB-ING-MIXED', level: 1, tags: [], rated_at: '2026-11-27T11:00:00+08:00' },
        { index: 1, external_id: 'mixed-good', project_no: 'DB-ING-MIXED', level: 4, tags: [], rated_at: '2026-11-27T11:00:00+08:00' },
      ]);
      expect(res.map((r) => [r.status, r.code ?? null])).toEqual([['rejected', 'tag_required'], ['created', null]]);
      await q('reset role');
      const { rows } = await q(`select l.external_id from app.rating_ingest_log l join app.rating_devices d on d.id = l.device_id
                                 where d.key_id = 'dev_demo_pad_530902' and l.external_id like 'mixed-%'`);
      expect(rows).toEqual([{ external_id: 'mixed-good' }]);
    });
  });
});
