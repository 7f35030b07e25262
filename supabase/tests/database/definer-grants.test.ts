/**
 * Security definer functions run with their owner's rights, so who may call each one is the
 * security boundary (issue 8). Every definer function of `public` and `app` is read from the
 * catalogue — one added later is covered without touching this file — and checked against the
 * rules below. A function that breaks one fails here with its name and the roles that may call it.
 */
import { connect, type Db } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());

interface Definer { fn: string; anon: boolean; authenticated: boolean; service_role: boolean; is_public: boolean }

async function definers(): Promise<Definer[]> {
  const { rows } = await db.query<Definer>(`
    select p.pronamespace::regnamespace::text || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')' as fn,
           has_function_privilege('anon', p.oid, 'execute') as anon,
           has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
           has_function_privilege('service_role', p.oid, 'execute') as service_role,
           exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE') as is_public
    from pg_proc p
    where p.prosecdef and p.pronamespace in ('public'::regnamespace, 'app'::regnamespace)
    order by 1`);
  return rows;
}

/** Definer RPCs that anyone may call without logging in (R15 publication, QR landing, calendar). */
const ANON_RPCS = [
  'public.add_working_days(date, integer)',
  'public.public_bad_review_board(text, text)',
  'public.public_results(text, text)',
  'public.published_periods(text)',
  'public.window_info(uuid)',
];

test('there are definer functions to check', async () => {
  expect((await definers()).length).toBeGreaterThan(30);
});

test('no definer function is executable by PUBLIC (every one is granted by name)', async () => {
  expect((await definers()).filter((d) => d.is_public).map((d) => d.fn)).toEqual([]);
});

test('anon may call only the published RPCs and the helpers RLS policies need', async () => {
  const rows = await definers();
  const anonCallable = rows.filter((d) => d.anon).map((d) => d.fn);
  const unexpected = anonCallable.filter((fn) => fn.startsWith('public.') && !ANON_RPCS.includes(fn));
  expect(unexpected).toEqual([]);
  // In app, anon may reach only what a policy or an anon RPC evaluates on its behalf.
  expect(anonCallable.filter((fn) => fn.startsWith('app.'))).toEqual([]);
});

test('every definer RPC in public answers to a role: either signed-in users or the service role', async () => {
  const orphans = (await definers()).filter((d) => d.fn.startsWith('public.') && !d.anon && !d.authenticated && !d.service_role);
  expect(orphans.map((d) => d.fn)).toEqual([]);
});

test('jobs are the service role’s alone', async () => {
  const rows = await definers();
  for (const job of ['public.apply_default_ratings(timestamp with time zone)', 'public.escalate_overdue(timestamp with time zone)',
    'public.due_reminders(timestamp with time zone, integer)', 'public.record_reminder_result(uuid, boolean, text, timestamp with time zone)']) {
    const d = rows.find((r) => r.fn === job);
    expect({ job, anon: d?.anon, authenticated: d?.authenticated, service_role: d?.service_role })
      .toEqual({ job, anon: false, authenticated: false, service_role: true });
  }
});

test('the state machine and the audit writer are reachable only through the RPCs', async () => {
  const rows = await definers();
  for (const internal of ['app.transition_work_order(uuid, text, text, date, jsonb)', 'app.audit(text, uuid, text, text, text, text, uuid, text, date, jsonb)',
    'app.reopen_work_order(uuid, text)', 'app.start_rectification(uuid)']) {
    const d = rows.find((r) => r.fn === internal);
    expect({ internal, anon: d?.anon, authenticated: d?.authenticated, service_role: d?.service_role })
      .toEqual({ internal, anon: false, authenticated: false, service_role: false });
  }
});
