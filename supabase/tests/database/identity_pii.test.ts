/**
 * Identity at rest (issue 3, R13): name, phone and ID number are stored only encrypted, matched
 * by keyed blind indexes, shown only masked; no API role can read the identity tables or call
 * the service functions, and the masked contact is reachable only through definer functions.
 */
import { maskName, maskPhone } from '../../../shared/identity.ts';
import { anon, as, codeOf, connect, type Db, failure, PERSONA_IDS, serviceRole, user } from '../../../tests/support/db.ts';
import { seededRandom as random } from '../../../tests/support/random.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const citizenA = PERSONA_IDS['citizen-a'];
const CITIZEN_A_ID_NUMBER = '530902198805120029'; // supabase/seed/20_identity.sql
const API_ROLES = [anon, user(citizenA), user(PERSONA_IDS['staff-linxiang']), user(PERSONA_IDS['supervisor-city']), serviceRole];
const TABLES = ['app.user_identities', 'app.user_platform_links', 'app.refresh_tokens', 'app.realname_tickets', 'app.realname_nonces', 'app.realname_settings'];

describe('encryption at rest', () => {
  test('the raw columns hold PGP messages, not the name, ID number or phone', async () => {
    const { rows: [raw] } = await db.query('select name_enc, id_number_enc, phone_enc from app.user_identities where user_id = $1', [citizenA]);
    for (const column of ['name_enc', 'id_number_enc', 'phone_enc']) {
      const bytes: Buffer = raw[column];
      expect(bytes[0]).toBe(0xc3); // OpenPGP symmetric-key encrypted session key packet
      for (const plain of ['李春梅', CITIZEN_A_ID_NUMBER, '13887001201', '19880512', '87001201']) {
        expect(bytes.includes(Buffer.from(plain, 'utf8'))).toBe(false);
        expect(bytes.toString('hex')).not.toContain(Buffer.from(plain).toString('hex'));
      }
    }
  });

  test('the same value encrypts differently each time (random session keys)', async () => {
    const { rows: [r] } = await db.query(`select app.pii_encrypt('13887001201') = app.pii_encrypt('13887001201') as same`);
    expect(r.same).toBe(false);
  });

  test('the key holder (the migration role) decrypts them', async () => {
    const { rows } = await db.query('select * from app.user_identity_plain($1)', [citizenA]);
    expect(rows).toEqual([{ name: '李春梅', id_number: CITIZEN_A_ID_NUMBER, phone: '13887001201' }]);
  });

  test('every real-name demo person has an identity, and nobody else does', async () => {
    const { rows: [r] } = await db.query(`
      select count(*) filter (where u.realname_verified_at is not null and i.user_id is null)::int as missing,
             count(*) filter (where u.realname_verified_at is null and i.user_id is not null)::int as extra
      from app.users u left join app.user_identities i on i.user_id = u.id`);
    expect(r).toEqual({ missing: 0, extra: 0 });
  });

  test('the key comes from Vault (hcp_pii_key; locally the Vault stand-in), the one place on every database', async () => {
    const { rows: [r] } = await db.query(`select app.pii_master_key() = (select decrypted_secret from vault.decrypted_secrets where name = 'hcp_pii_key') as from_vault,
      app.pii_master_key() is distinct from nullif(current_setting('app.settings.pii_key', true), '') or current_setting('app.settings.pii_key', true) is null as no_setting_needed`);
    expect(r).toEqual({ from_vault: true, no_setting_needed: true });
  });
});

describe('blind index matching', () => {
  test('an ID number finds its person, however it is written', async () => {
    for (const written of [CITIZEN_A_ID_NUMBER, ` ${CITIZEN_A_ID_NUMBER.slice(0, 6)} ${CITIZEN_A_ID_NUMBER.slice(6)} `]) {
      const { rows: [r] } = await db.query('select app.user_id_by_id_number($1) as id', [written]);
      expect(r.id).toBe(citizenA);
    }
    const { rows: [none] } = await db.query(`select app.user_id_by_id_number('530902198805120010') as id`);
    expect(none.id).toBeNull();
  });

  test('x and X of a check digit match; a phone matches with or without +86', async () => {
    const { rows: [r] } = await db.query(`select app.pii_blind_index('id_number', '53090219900101123x') = app.pii_blind_index('id_number', '53090219900101123X') as id_same,
      app.pii_blind_index('phone', '+86 138-8700-1201') = (select phone_bidx from app.user_identities where user_id = $1) as phone_same`, [citizenA]);
    expect(r).toEqual({ id_same: true, phone_same: true });
  });

  test('the index is keyed: not the plain hash of the value, and distinct per kind', async () => {
    const { rows: [r] } = await db.query(`select
      app.pii_blind_index('id_number', $1) <> extensions.digest('id_number:' || $1, 'sha256') as keyed,
      app.pii_blind_index('id_number', '13887001201') <> app.pii_blind_index('phone', '13887001201') as by_kind`, [CITIZEN_A_ID_NUMBER]);
    expect(r).toEqual({ keyed: true, by_kind: true });
  });

  test('one person, one identity: the same ID number cannot be stored for two users', async () => {
    const err = await failure(db.query(`select app.store_identity($1, '李春梅', $2, null, 'business_system')`, [PERSONA_IDS['citizen-anon'], CITIZEN_A_ID_NUMBER]));
    expect(err.code).toBe('23505');
  });
});

describe('masked display values', () => {
  test.each([['张三'], ['李春梅'], ['欧阳娜娜'], ['王'], ['  赵建华 ']])('mask of %j is the same in SQL and shared/', async (name) => {
    const { rows: [r] } = await db.query('select app.mask_name($1) as m', [name]);
    expect(r.m).toBe(maskName(name));
  });

  test('2,000 seeded random names (Unicode and full-width spaces, full-width digits, astral characters) mask the same in SQL and shared/', async () => {
    const next = random(20261204);
    const pieces = ['张', '李', '欧阳', '娜', 'A', 'z', '·', '１', '９', '𠀋', ' ', '\u3000', '\u00a0', '\t', '\n', '\ufeff', '\u2028', '\u200b', '\u205f'];
    const names = Array.from({ length: 2000 }, () =>
      Array.from({ length: Math.floor(next() * 7) }, () => pieces[Math.floor(next() * pieces.length)]).join(''));
    const { rows } = await db.query<{ m: string }>('select app.mask_name(n) as m from unnest($1::text[]) with ordinality as x(n, i) order by i', [names]);
    const differ = names.map((n, i) => ({ n, sql: rows[i]!.m, ts: maskName(n) })).filter((d) => d.sql !== d.ts);
    expect(differ).toEqual([]);
    expect(names.some((n) => n.startsWith('\u3000') && n.trim() !== '')).toBe(true);
    const { rows: [nul] } = await db.query('select app.mask_name(null) as m');
    expect(nul.m).toBe('');
  });

  test('names and phones are masked as R13 shows them', async () => {
    const { rows: [r] } = await db.query(`select app.mask_name('张三') a, app.mask_name('李春梅') b, app.mask_phone('13812345678') c, app.mask_phone('+8613812345678') d, app.mask_phone(null) e`);
    expect(r).toEqual({ a: '张*', b: '李*梅', c: '138****5678', d: '138****5678', e: '' });
    expect([maskPhone('13812345678'), maskPhone('+86 138 1234 5678'), maskPhone('')]).toEqual(['138****5678', '138****5678', '']);
  });

  test('app.user_masked_contact gives the masked contact (the reveal of R13 builds on it)', async () => {
    const { rows } = await db.query('select * from app.user_masked_contact($1)', [citizenA]);
    expect(rows).toEqual([{ masked_name: '李*梅', masked_phone: '138****1201' }]);
  });

  test('a merged account’s contact is its person’s', async () => {
    await db.query('begin');
    try {
      await db.query('update app.users set merged_into = $1 where id = $2', [citizenA, PERSONA_IDS['citizen-anon']]);
      const { rows } = await db.query('select * from app.user_masked_contact($1)', [PERSONA_IDS['citizen-anon']]);
      expect(rows).toEqual([{ masked_name: '李*梅', masked_phone: '138****1201' }]);
    } finally {
      await db.query('rollback');
    }
  });
});

describe('no API role reads identity', () => {
  test.each(TABLES)('%s: denied to anon, citizens, staff, supervisors and the service role', async (table) => {
    for (const actor of API_ROLES) {
      const err = await as(db, actor, (q) => failure(q(`select * from ${table}`)));
      expect(err.code).toBe('42501');
    }
  });

  test('a user reads their own masked values, never another’s, and no encrypted column exists on users', async () => {
    const rows = await as(db, user(citizenA), async (q) => (await q('select * from app.users')).rows);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]).filter((k) => !k.startsWith('masked_') && /enc|bidx|id_number|phone|name$/.test(k))).toEqual([]);
    expect(rows[0]).toMatchObject({ masked_name: '李*梅', masked_phone: '138****1201' });
  });

  test.each([
    'app.user_masked_contact($1)', 'app.user_identity_plain($1)', 'app.pii_decrypt(null::bytea)', 'app.pii_master_key()',
    `app.pii_key('encrypt')`, `app.pii_blind_index('id_number', 'ID')`, `app.user_id_by_id_number('ID')`,
    `app.issue_refresh_token($1)`, `app.store_identity($1, '甲', 'ID', null, 'business_system')`,
  ])('%s is executable by no API role', async (call) => {
    const text = `select * from ${call}`.replace('ID', CITIZEN_A_ID_NUMBER);
    for (const actor of API_ROLES) {
      const err = await as(db, actor, (q) => failure(q(text, text.includes('$1') ? [citizenA] : [])));
      expect(err.code).toBe('42501');
    }
  });
});

/** realname_nonce() as the signed-in `userId`, inside an `as(db, serviceRole, …)` block that it returns to. */
async function nonceFor(q: Db['query'], userId: string): Promise<string> {
  await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: userId })]);
  await q('set local role authenticated');
  const { rows: [n] } = await q('select nonce from public.realname_nonce()');
  await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'service_role' })]);
  await q('set local role service_role');
  return n.nonce as string;
}

describe('service functions: the service role only', () => {
  const CALLS = [
    `public.platform_login('wechat', 'wx-test', 'o-test')`,
    `public.rotate_refresh_token('hcp_rt_x')`,
    `public.revoke_refresh_token('hcp_rt_x')`,
    `public.bind_realname('${citizenA}', 'jti-test', now() + interval '5 minutes', 'nonce', 'face', '李春梅', '${CITIZEN_A_ID_NUMBER}')`,
    `public.session_user_info('${citizenA}')`,
    'public.purge_identity_tokens()',
  ];

  test.each(CALLS)('%s is denied to anon and every signed-in user', async (call) => {
    for (const actor of API_ROLES.filter((a) => a.role !== 'service_role')) {
      const err = await as(db, actor, (q) => failure(q(`select * from ${call}`)));
      expect(err.code).toBe('42501');
    }
  });

  test('the service role logs a platform account in: created once, found again', async () => {
    await as(db, serviceRole, async (q) => {
      const first = (await q(`select * from public.platform_login('wechat', 'wx-test', 'o-db-test', 'u-db-test')`)).rows[0];
      const again = (await q(`select * from public.platform_login('wechat', 'wx-test', 'o-db-test')`)).rows[0];
      expect(first).toMatchObject({ masked_name: '微信用户', realname_verified: false, is_new: true });
      expect(again).toMatchObject({ user_id: first.user_id, is_new: false });
      expect(again.refresh_token).not.toBe(first.refresh_token);
    });
  });

  test('the service role cannot log in an unknown platform', async () => {
    const err = await as(db, serviceRole, (q) => failure(q(`select * from public.platform_login('qq', 'x', 'y')`)));
    expect(codeOf(err)).toBe('invalid_input');
  });

  test('binding: a ticket id works once; expired tickets and malformed ID numbers are refused; nothing written', async () => {
    await as(db, serviceRole, async (q) => {
      const { rows: [u] } = await q(`select user_id from public.platform_login('alipay', '2021-test', '2088000000000001')`);
      const nonce = await nonceFor(q, u.user_id);
      const bindAs = (jti: string, id: string, exp = `now() + interval '5 minutes'`) =>
        q(`select * from public.bind_realname($1, $2, ${exp}, $4, 'face', '欧阳娜娜', $3, '13600001111')`, [u.user_id, jti, id, nonce]);
      await q('savepoint s');
      const expired = await failure(bindAs('jti-old', '530902200001010018', `now() - interval '1 second'`));
      expect(codeOf(expired)).toBe('ticket_expired');
      await q('rollback to savepoint s');
      const malformed = await failure(bindAs('jti-bad', '5309022000010100'));
      expect(codeOf(malformed)).toBe('invalid_input');
      await q('rollback to savepoint s');
      const { rows } = await q('select realname_verified_at, masked_name from app.users where id = $1', [u.user_id]);
      expect(rows).toEqual([{ realname_verified_at: null, masked_name: '支付宝用户' }]);
      await q('reset role'); // the service role itself may not read the used tickets
      expect((await q('select 1 from app.realname_tickets where ticket_id in ($1, $2)', ['jti-old', 'jti-bad'])).rows).toEqual([]);
    });
    await as(db, serviceRole, async (q) => {
      const { rows: [u] } = await q(`select user_id from public.platform_login('alipay', '2021-test', '2088000000000002')`);
      const nonce = await nonceFor(q, u.user_id);
      const { rows: [bound] } = await q(`select * from public.bind_realname($1, 'jti-once', now() + interval '5 minutes', $2, 'face', '欧阳娜娜', '530902200001010018', '13600001111')`, [u.user_id, nonce]);
      expect(bound).toMatchObject({ user_id: u.user_id, masked_name: '欧**娜', realname_verified: true, merged_from: null, refused: null });
      await q('savepoint again');
      const replay = await failure(q(`select * from public.bind_realname($1, 'jti-once', now() + interval '5 minutes', $2, 'face', '欧阳娜娜', '530902200001010018')`, [u.user_id, await nonceFor(q, u.user_id)]));
      expect(codeOf(replay)).toBe('ticket_replayed');
      await q('rollback to savepoint again');
      const { rows } = await q('select masked_phone from app.users where id = $1', [u.user_id]);
      expect(rows).toEqual([{ masked_phone: '136****1111' }]);
    });
  });

  test('a spent refresh token presented again revokes its family (a write, not an error)', async () => {
    await as(db, serviceRole, async (q) => {
      const { rows: [login] } = await q(`select * from public.platform_login('wechat', 'wx-test', 'o-rotate')`);
      const { rows: [next] } = await q('select * from public.rotate_refresh_token($1)', [login.refresh_token]);
      expect(next.status).toBe('ok');
      const { rows: [reuse] } = await q('select status from public.rotate_refresh_token($1)', [login.refresh_token]);
      expect(reuse.status).toBe('reused');
      const { rows: [after] } = await q('select status from public.rotate_refresh_token($1)', [next.refresh_token]);
      expect(after.status).toBe('invalid');
    });
  });

  test('the purge job forgets expired tokens and tickets, keeps live ones', async () => {
    await as(db, serviceRole, async (q) => {
      const { rows: [login] } = await q(`select * from public.platform_login('wechat', 'wx-test', 'o-purge')`);
      const { rows: [u] } = await q(`select user_id from public.platform_login('wechat', 'wx-test', 'o-purge-2')`);
      await q(`select * from public.bind_realname($1, 'jti-purge', now() + interval '10 minutes', $2, 'face', '张三', '530902200001010018')`, [u.user_id, await nonceFor(q, u.user_id)]);
      const later = `now() + interval '61 days'`;
      const { rows: [none] } = await q('select * from public.purge_identity_tokens()');
      expect(none).toEqual({ refresh_tokens_deleted: 0, tickets_deleted: 0 });
      const { rows: [purged] } = await q(`select * from public.purge_identity_tokens(${later})`);
      expect(purged.tickets_deleted).toBeGreaterThanOrEqual(1);
      expect(purged.refresh_tokens_deleted).toBeGreaterThanOrEqual(2);
      const { rows: [gone] } = await q(`select status from public.rotate_refresh_token($1, ${later})`, [login.refresh_token]);
      expect(gone.status).toBe('invalid');
      await q('reset role');
      expect((await q(`select 1 from app.realname_tickets where ticket_id = 'jti-purge'`)).rows).toEqual([]);
    });
  });
});

describe('实名认证 nonces and strong methods (issue 13)', () => {
  test('realname_nonce(): signed-in users only; a new one replaces the unused one; the default settings', async () => {
    expect((await as(db, anon, (q) => failure(q('select * from public.realname_nonce()')))).code).toBe('42501');
    await as(db, user(citizenA), async (q) => {
      const { rows: [first] } = await q('select nonce, expires_at - now() as ttl from public.realname_nonce()');
      const { rows: [second] } = await q('select nonce from public.realname_nonce()');
      expect(first.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(second.nonce).not.toBe(first.nonce);
      expect(first.ttl).toMatchObject({ minutes: 15 });
      await q('reset role');
      const { rows } = await q('select nonce from app.realname_nonces where user_id = $1 and used_at is null', [citizenA]);
      expect(rows).toEqual([{ nonce: second.nonce }]);
      const { rows: [settings] } = await q('select strong_verify_methods, nonce_ttl_seconds from app.realname_settings');
      expect(settings).toEqual({ strong_verify_methods: ['face', 'banshitong'], nonce_ttl_seconds: 900 });
    });
  });

  test('bind_realname: missing, foreign, used, expired nonce and weak methods are refused, nothing written', async () => {
    await as(db, serviceRole, async (q) => {
      const { rows: [u] } = await q(`select user_id from public.platform_login('wechat', 'wx-test', 'o-nonce-1')`);
      const { rows: [other] } = await q(`select user_id from public.platform_login('wechat', 'wx-test', 'o-nonce-2')`);
      const theirs = await nonceFor(q, other.user_id);
      const mine = await nonceFor(q, u.user_id);
      const bind = (jti: string, nonce: string | null, method: string | null) =>
        q(`select * from public.bind_realname($1, $2, now() + interval '5 minutes', $3, $4, '欧阳娜娜', '530902200001010018')`, [u.user_id, jti, nonce, method]);
      const refusals: Array<[string, string | null, string | null, string]> = [
        ['jti-n1', null, 'face', 'realname_nonce_missing'],
        ['jti-n2', ' ', 'face', 'realname_nonce_missing'],
        ['jti-n3', theirs, 'face', 'realname_nonce_invalid'],
        ['jti-n4', 'f'.repeat(32), 'face', 'realname_nonce_invalid'],
        ['jti-n5', mine, 'sms', 'realname_method_weak'],
        ['jti-n6', mine, null, 'realname_method_weak'],
        ['jti-n7', mine, 'FACE', 'realname_method_weak'],
      ];
      for (const [jti, nonce, method, code] of refusals) {
        await q('savepoint s');
        expect([jti, codeOf(await failure(bind(jti, nonce, method)))]).toEqual([jti, code]);
        await q('rollback to savepoint s');
      }
      // The operator may widen the list; the database decides.
      await q('reset role');
      await q(`update app.realname_settings set strong_verify_methods = array['face', 'banshitong', 'sms']`);
      await q('set local role service_role');
      await q('savepoint widened');
      expect((await bind('jti-n8', mine, 'sms')).rows[0]).toMatchObject({ user_id: u.user_id, refused: null });
      await q('rollback to savepoint widened');
      expect((await bind('jti-n9', mine, 'face')).rows[0]).toMatchObject({ user_id: u.user_id, refused: null });
      await q('savepoint used');
      expect(codeOf(await failure(bind('jti-n10', mine, 'face')))).toBe('realname_nonce_used');
      await q('rollback to savepoint used');
      await q('reset role');
      await q(`update app.realname_nonces set expires_at = now() - interval '1 second', issued_at = now() - interval '1 hour' where nonce = $1`, [theirs]);
      await q('set local role service_role');
      const late = await failure(q(`select * from public.bind_realname($1, 'jti-n11', now() + interval '5 minutes', $2, 'face', '张三', '530902200001010026')`, [other.user_id, theirs]));
      expect(codeOf(late)).toBe('realname_nonce_expired');
    });
  });

  test('a person with a staff role or a platform link is never merged into: one audit row, nothing else', async () => {
    await as(db, serviceRole, async (q) => {
      const { rows: [u] } = await q(`select user_id from public.platform_login('wechat', 'wx-test', 'o-takeover')`);
      const nonce = await nonceFor(q, u.user_id);
      await q('reset role');
      const { rows: [sup] } = await q('select id_number from app.user_identity_plain($1)', [PERSONA_IDS['supervisor-city']]);
      const snapshot = () => q(`select md5(string_agg(t, '|' order by t)) as h from (
          select to_jsonb(x)::text as t from app.users x where x.id in ($1, $2)
          union all select to_jsonb(x)::text from app.user_identities x where x.user_id in ($1, $2)
          union all select to_jsonb(x)::text from app.user_platform_links x where x.user_id in ($1, $2)
          union all select to_jsonb(x)::text from app.staff_roles x where x.user_id in ($1, $2)
          union all select to_jsonb(x)::text from app.realname_nonces x where x.user_id in ($1, $2)
          union all select to_jsonb(x)::text from app.realname_tickets x where x.user_id in ($1, $2)
          union all select to_jsonb(x)::text from app.refresh_tokens x where x.user_id in ($1, $2)) s`, [u.user_id, PERSONA_IDS['supervisor-city']]);
      const before = (await snapshot()).rows[0].h;
      const { rows: [{ n: audits }] } = await q('select count(*)::int as n from app.audit_log');
      await q('set local role service_role');
      const { rows } = await q(`select * from public.bind_realname($1, 'jti-takeover', now() + interval '5 minutes', $2, 'face', '刘洋', $3)`, [u.user_id, nonce, sup.id_number]);
      expect(rows).toEqual([{ user_id: null, masked_name: null, realname_verified: null, merged_from: null, refresh_token: null, refresh_expires_at: null, refused: 'realname_merge_refused' }]);
      await q('reset role');
      expect((await snapshot()).rows[0].h).toBe(before);
      const { rows: log } = await q('select entity, entity_id, action, region_code, detail from app.audit_log order by id desc limit 1');
      expect((await q('select count(*)::int as n from app.audit_log')).rows[0].n).toBe(audits + 1);
      expect(log[0]).toMatchObject({
        entity: 'identity', entity_id: u.user_id, action: 'realname_merge_refused', region_code: '530900',
        detail: { caller_user_id: u.user_id, target_user_id: PERSONA_IDS['supervisor-city'], reasons: ['staff_role', 'platform_link'], ticket_id: 'jti-takeover', verify_method: 'face' },
      });
    });
  });
});
