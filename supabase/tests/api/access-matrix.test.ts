/**
 * The access matrix, generated from the catalogue (issue 20): every function of `public` and
 * every view is in the explicit map (access-map.ts) with the roles granted on it; every caller
 * the map leaves out is refused through PostgREST (anon 401, a signed-in user 403, both 42501);
 * and the read RPCs answer each persona what its role allows — rows of its own scope, an empty
 * list, or a refusal — checked row by row against the database, not only "no error".
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { PERSONA_KEYS, type PersonaKey } from '../../../shared/personas.ts';
import { client, login } from '../../../tests/support/api.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { FUNCTION_ACCESS, VIEWS, type Grant } from './access-map.ts';

jest.setTimeout(120_000);

type Actor = 'anon' | PersonaKey | 'service_role';
const ACTORS: Actor[] = ['anon', ...PERSONA_KEYS, 'service_role'];
const clients = new Map<Actor, SupabaseClient>();
let db: Db;

interface CatalogueFn { name: string; params: string[]; grant: Grant | 'none' }
let catalogue: CatalogueFn[] = [];

beforeAll(async () => {
  db = await connect();
  clients.set('anon', client());
  clients.set('service_role', client(stackEnv.serviceRoleKey));
  for (const key of PERSONA_KEYS) clients.set(key, client((await login(key)).access_token));
  const { rows } = await db.query<{ name: string; params: string[] | null; nargs: number; anon: boolean; auth: boolean; svc: boolean }>(`
    select p.proname as name, p.proargnames[1:p.pronargs] as params, p.pronargs as nargs,
           has_function_privilege('anon', p.oid, 'execute') as anon,
           has_function_privilege('authenticated', p.oid, 'execute') as auth,
           has_function_privilege('service_role', p.oid, 'execute') as svc
    from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
    order by 1`);
  catalogue = rows.map((r) => ({
    name: r.name,
    params: r.params ?? [],
    grant: r.anon && r.auth && r.svc ? 'anon' : !r.anon && r.auth && r.svc ? 'user' : !r.anon && !r.auth && r.svc ? 'service' : 'none',
  }));
});
afterAll(() => db.end());

const as = (actor: Actor) => clients.get(actor)!;

test('every function and view of public is in the access map, and nothing in the map is gone', async () => {
  expect(catalogue.length).toBeGreaterThan(90);
  expect(catalogue.map((f) => f.name).sort()).toEqual(Object.keys(FUNCTION_ACCESS).sort());
  const views = await db.query<{ viewname: string }>(`select viewname from pg_views where schemaname = 'public' order by 1`);
  expect(views.rows.map((v) => v.viewname)).toEqual([...VIEWS].sort());
});

test('the grants of every function are those of the map (no overloads: one signature per name)', () => {
  expect(new Set(catalogue.map((f) => f.name)).size).toBe(catalogue.length);
  const differing = catalogue.filter((f) => f.grant !== FUNCTION_ACCESS[f.name]).map((f) => `${f.name}: catalogue ${f.grant}, map ${FUNCTION_ACCESS[f.name]}`);
  expect(differing).toEqual([]);
});

test('views: everyone reads them; no client role holds a write grant (rls-matrix.test.ts tries the writes)', async () => {
  const { rows } = await db.query(`
    select v.viewname, r.rolname,
           has_table_privilege(r.rolname, 'public.' || v.viewname, 'select') as sel,
           has_table_privilege(r.rolname, 'public.' || v.viewname, 'insert,update,delete,truncate') as write
    from pg_views v cross join (values ('anon'), ('authenticated')) r (rolname)
    where v.schemaname = 'public'`);
  expect(rows).toHaveLength(VIEWS.length * 2);
  expect(rows.filter((r) => !r.sel || r.write)).toEqual([]);
});

/**
 * Through PostgREST, each function as each caller with every argument null: a caller the map
 * leaves out is refused by the grant (42501); one it lets in is never refused by a grant and
 * never answered with a 5xx. Functions of the service role are not run as the service role here
 * (they are jobs); their own tests do that.
 */
describe.each(ACTORS)('%s', (actor) => {
  test('is refused exactly where the map says', async () => {
    const problems: string[] = [];
    for (const fn of catalogue) {
      if (actor === 'service_role' && fn.grant === 'service') continue;
      const res = await as(actor).rpc(fn.name, Object.fromEntries(fn.params.map((p) => [p, null])));
      const allowed = fn.grant === 'anon' || (fn.grant === 'user' && actor !== 'anon');
      const grantRefusal = res.error?.code === '42501';
      if (allowed && (grantRefusal || res.status >= 500)) problems.push(`${fn.name}: allowed, answered ${res.status} ${res.error?.code}`);
      if (!allowed && !(grantRefusal && res.status === (actor === 'anon' ? 401 : 403))) problems.push(`${fn.name}: not allowed, answered ${res.status} ${res.error?.code}`);
    }
    expect(problems).toEqual([]);
  });
});

/** The regions a persona supervises (empty for everyone else). */
const SUPERVISED: Partial<Record<PersonaKey, string[]>> = {
  'supervisor-city': ['530900', '530902', '530921', '530922', '530923', '530924', '530925', '530926', '530927'],
  'supervisor-fengqing': ['530921'],
};

/** rows: at least one (the seed guarantees it); list: allowed, any number; empty: allowed, none to see. */
type Expect = 'rows' | 'list' | 'empty' | 'forbidden' | 'not_found';
interface Read {
  args: () => Promise<Record<string, unknown>>;
  /** What each persona gets; unlisted personas are refused with `forbidden`. The service role (nobody) is 401. */
  answers: Partial<Record<PersonaKey, Expect>>;
  /** Rows a persona got belong to it: a check against the database, given the rows and the persona. */
  scoped?: (rows: Array<Record<string, unknown>>, persona: PersonaKey) => Promise<void>;
}

const CITIZENS = ['citizen-a', 'citizen-b', 'citizen-anon'] as const;
const UNIT_PEOPLE = ['staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing'] as const;
const SUPERVISORS = ['supervisor-city', 'supervisor-fengqing'] as const;
const each = (who: readonly PersonaKey[], e: Expect) => Object.fromEntries(who.map((p) => [p, e])) as Partial<Record<PersonaKey, Expect>>;
const everyone = (e: Expect) => each(PERSONA_KEYS, e);

const linxiangUnit = async () => (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id as string;
const demoOrder = async () =>
  (await db.query(`select w.id from app.work_orders w join app.transactions t on t.id = w.transaction_id where t.project_no = 'LC-DEMO-WO-2'`)).rows[0].id as string;

/** Every row's region_code is one the persona supervises. */
const inSupervisedRegions = async (rows: Array<Record<string, unknown>>, persona: PersonaKey) => {
  const mine = SUPERVISED[persona] ?? [];
  expect(rows.filter((r) => !mine.includes(String(r.region_code)))).toEqual([]);
};
/** Every row (by `column`) is a row of `table` whose `owner` is the persona (or, for `alsoOwner`, that column). */
const ownedVia = (table: string, column: string, owner: string, alsoOwner?: string) =>
  async (rows: Array<Record<string, unknown>>, persona: PersonaKey) => {
    const ids = rows.map((r) => r[column]).filter((v) => v !== null);
    const { rows: foreign } = await db.query(
      `select id from ${table} where id = any($1) and ${owner} is distinct from $2 ${alsoOwner ? `and ${alsoOwner} is distinct from $2` : ''}`,
      [ids, PERSONA_IDS[persona]]);
    expect(foreign).toEqual([]);
  };
/** Every work order listed is of a unit the persona works for. */
const ordersOfOwnUnit = async (rows: Array<Record<string, unknown>>, persona: PersonaKey) => {
  const { rows: foreign } = await db.query(
    `select w.id from app.work_orders w where w.id = any($1)
       and w.unit_id not in (select unit_id from app.staff_roles where user_id = $2 and unit_id is not null)`,
    [rows.map((r) => r.id), PERSONA_IDS[persona]]);
  expect(foreign).toEqual([]);
};

const READS: Record<string, Read> = {
  whoami: { args: async () => ({}), answers: everyone('rows'),
    scoped: async (rows, p) => { expect(rows.map((r) => r.user_id)).toEqual(rows.map(() => PERSONA_IDS[p])); } },
  my_pending_ratings: { args: async () => ({}), answers: { ...everyone('empty'), 'citizen-a': 'rows', 'citizen-b': 'rows' },
    scoped: ownedVia('app.transactions', 'transaction_id', 'applicant_user_id', 'agent_user_id') },
  my_ratings: { args: async () => ({}), answers: { ...everyone('empty'), ...each(CITIZENS, 'list'), 'citizen-a': 'rows' },
    scoped: async (rows, p) => {
      const { rows: foreign } = await db.query(
        `select r.id from app.ratings r left join app.transactions t on t.id = r.transaction_id
         where r.id = any($1) and r.rater_user_id is distinct from $2
           and not (r.is_default and (t.applicant_user_id = $2 or t.agent_user_id = $2))`, [rows.map((r) => r.id), PERSONA_IDS[p]]);
      expect(foreign).toEqual([]);
    } },
  my_comments: { args: async () => ({}), answers: { ...everyone('empty'), ...each(CITIZENS, 'list'), 'citizen-a': 'rows' },
    scoped: ownedVia('app.comments', 'id', 'author_user_id') },
  unit_work_orders: { args: async () => ({ p_status: null }), answers: { ...everyone('empty'), ...each(UNIT_PEOPLE, 'rows') }, scoped: ordersOfOwnUnit },
  unit_comments: { args: async () => ({ p_status: null }), answers: each(UNIT_PEOPLE, 'rows'),
    scoped: async (rows, p) => {
      const { rows: foreign } = await db.query(
        `select c.id from app.comments c where c.id = any($1)
           and c.unit_id not in (select unit_id from app.staff_roles where user_id = $2 and unit_id is not null)`,
        [rows.map((r) => r.id), PERSONA_IDS[p]]);
      expect(foreign).toEqual([]);
    } },
  work_order_timeline: { args: async () => ({ p_work_order_id: await demoOrder() }),
    answers: { ...everyone('not_found'), 'staff-linxiang': 'rows', 'unit-admin-linxiang': 'rows', 'supervisor-city': 'rows' } },
  work_order_handlers: { args: async () => ({ p_work_order_id: await demoOrder() }), answers: { 'unit-admin-linxiang': 'rows' } },
  appeals_to_review: { args: async () => ({ p_status: null }), answers: { ...everyone('empty'), 'supervisor-city': 'rows', 'supervisor-fengqing': 'list' },
    scoped: inSupervisedRegions },
  overdue_work_orders: { args: async () => ({}), answers: { 'supervisor-city': 'rows', 'supervisor-fengqing': 'list' }, scoped: inSupervisedRegions },
  key_supervision_list: { args: async () => ({}), answers: { 'supervisor-city': 'rows', 'supervisor-fengqing': 'list' }, scoped: inSupervisedRegions },
  rereviews_to_decide: { args: async () => ({}), answers: each(SUPERVISORS, 'list'), scoped: inSupervisedRegions },
  supervisor_comments: { args: async () => ({ p_region_code: null, p_status: null }), answers: { 'supervisor-city': 'rows', 'supervisor-fengqing': 'list' }, scoped: inSupervisedRegions },
  return_visit_samples: { args: async () => ({ p_region_code: null }), answers: each(SUPERVISORS, 'list'), scoped: inSupervisedRegions },
  third_party_assessments: { args: async () => ({ p_region_code: null, p_unit_id: null }), answers: { ...each(UNIT_PEOPLE, 'list'), 'supervisor-city': 'rows', 'supervisor-fengqing': 'list' } },
  ingest_keys: { args: async () => ({}), answers: each(SUPERVISORS, 'rows'), scoped: inSupervisedRegions },
  ingest_key_halls: { args: async () => ({}), answers: each(SUPERVISORS, 'rows'), scoped: inSupervisedRegions },
  admin_halls: { args: async () => ({ p_region_code: '530902' }), answers: { 'supervisor-city': 'rows' }, scoped: inSupervisedRegions },
  admin_windows: { args: async () => ({ p_region_code: '530902' }), answers: { 'supervisor-city': 'rows' } },
  admin_staff: { args: async () => ({ p_region_code: '530902' }), answers: { 'supervisor-city': 'rows' } },
  admin_lookup_flags: { args: async () => ({ p_region_code: '530900' }), answers: { 'supervisor-city': 'list' } },
  admin_matters: { args: async () => ({ p_unit_id: await linxiangUnit() }), answers: { 'supervisor-city': 'rows' } },
  admin_unit_staff: { args: async () => ({ p_unit_id: await linxiangUnit() }), answers: { 'supervisor-city': 'rows', 'unit-admin-linxiang': 'rows' } },
  admin_unit_windows: { args: async () => ({ p_unit_id: await linxiangUnit() }), answers: { 'supervisor-city': 'rows', 'unit-admin-linxiang': 'rows' } },
  window_qr_codes: { args: async () => ({ p_hall_id: (await db.query(`select hall_id from app.windows where unit_id = $1 limit 1`, [await linxiangUnit()])).rows[0].hall_id }),
    answers: { 'supervisor-city': 'rows' } },
  // 评价器 pairing (issue 18): unit admins see their units' windows, supervisors their regions'.
  kiosk_windows: { args: async () => ({}), answers: { 'unit-admin-linxiang': 'rows', ...each(SUPERVISORS, 'rows') },
    scoped: async (rows, p) => {
      const { rows: foreign } = await db.query(
        `select w.id from app.windows w join app.halls h on h.id = w.hall_id where w.id = any($1)
           and w.unit_id not in (select unit_id from app.staff_roles where user_id = $2 and role = 'unit_admin')
           and not (h.region_code = any($3))`,
        [rows.map((r) => r.window_id), PERSONA_IDS[p], SUPERVISED[p] ?? []]);
      expect(foreign).toEqual([]);
    } },
  kiosk_devices: { args: async () => ({ p_window_id: (await db.query(`select id from app.windows where unit_id = $1 order by id limit 1`, [await linxiangUnit()])).rows[0].id }),
    answers: { 'unit-admin-linxiang': 'list', 'supervisor-city': 'list' } },
};

describe.each(Object.entries(READS))('read %s', (name, read) => {
  test.each(PERSONA_KEYS)('%s gets what its role allows', async (persona) => {
    expect(FUNCTION_ACCESS[name]).toBe('user');
    const res = await as(persona).rpc(name, await read.args());
    const want = read.answers[persona] ?? 'forbidden';
    const got: string = res.error ? String(res.error.code)
      : want === 'list' && Array.isArray(res.data) ? 'list'
        : !Array.isArray(res.data) || res.data.length > 0 ? 'rows' : 'empty';
    expect({ name, persona, got }).toEqual({ name, persona, got: want });
    if (want === 'forbidden') expect(res.status).toBe(403);
    if (want === 'not_found') expect(res.status).toBe(404);
    if ((want === 'rows' || want === 'list') && read.scoped) await read.scoped(res.data as Array<Record<string, unknown>>, persona);
  });

  test('the service role, being nobody, is refused (401)', async () => {
    const res = await as('service_role').rpc(name, await read.args());
    const answersNobody = res.status === 200 && Array.isArray(res.data) && res.data.length === 0;
    expect(answersNobody || res.status === 401).toBe(true);
  });
});

test('the scope checks can fail: a supervisor of 凤庆县 sees rows, and none of another region', async () => {
  const res = await as('supervisor-fengqing').rpc('ingest_keys', {});
  expect((res.data as unknown[]).length).toBeGreaterThan(0);
  await expect(inSupervisedRegions([{ region_code: '530902' }], 'supervisor-fengqing')).rejects.toThrow();
});
