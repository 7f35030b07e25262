/**
 * The role × relation × operation matrix through PostgREST with supabase-js (R4, R13): every
 * actor against everything the API exposes. Writes to views are refused for every role; RPCs
 * are open exactly to the roles that need them; what each actor sees is their own.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { PERSONA_KEYS, type PersonaKey } from '../../../shared/personas.ts';
import { client, login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { shanghaiDayFromToday } from '../../../tests/support/work-orders.ts';

type Actor = 'anon' | PersonaKey | 'service_role';
const ACTORS: Actor[] = ['anon', ...PERSONA_KEYS, 'service_role'];
const clients = new Map<Actor, SupabaseClient>();

beforeAll(async () => {
  clients.set('anon', client());
  clients.set('service_role', client(stackEnv.serviceRoleKey));
  for (const key of PERSONA_KEYS) clients.set(key, client((await login(key)).access_token));
});

const as = (actor: Actor) => clients.get(actor)!;

describe.each(['regions', 'units', 'eval_tags'])('public view %s', (view) => {
  test.each(ACTORS)('%s reads it and cannot insert, update or delete', async (actor) => {
    const read = await as(actor).from(view).select('*').limit(1);
    expect(read.error).toBeNull();
    expect(read.data).toHaveLength(1);
    const insert = await as(actor).from(view).insert({ name: '越权写入' });
    const update = await as(actor).from(view).update({ name: '越权改名' }).neq('name', '');
    const remove = await as(actor).from(view).delete().neq('name', '');
    for (const res of [insert, update, remove]) {
      expect(res.error?.code).toBe('42501');
      expect([401, 403]).toContain(res.status);
    }
  });
});

test.each(ACTORS)('%s cannot reach the private tables at all', async (actor) => {
  const res = await as(actor).from('ratings').select('*');
  // Not in the exposed schema: PostgREST 12.0 answers 404 "relation does not exist".
  expect(res.error?.code).toBe('42P01');
  expect(res.status).toBe(404);
});

// Who may call which RPC, and what each read answers whom: access-matrix.test.ts, from the catalogue.

describe('what each actor sees is their own', () => {
  test('pending ratings: citizens see their own 办件; staff and supervisors have none of their own', async () => {
    const ids = async (a: Actor) => ((await as(a).rpc('my_pending_ratings')).data as Array<{ transaction_id: string; project_no: string }>);
    const a = await ids('citizen-a');
    const b = await ids('citizen-b');
    expect(a.length).toBeGreaterThanOrEqual(5);
    expect(b.length).toBeGreaterThanOrEqual(5);
    expect(a.filter((x) => b.some((y) => y.transaction_id === x.transaction_id))).toEqual([]);
    for (const other of ['staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing'] as const) {
      expect(await ids(other)).toEqual([]);
    }
  });

  test('my_ratings never shows another rater’s rating', async () => {
    const a = (await as('citizen-a').rpc('my_ratings')).data as Array<{ id: string }>;
    const b = (await as('citizen-b').rpc('my_ratings')).data as Array<{ id: string }>;
    expect(a.filter((x) => b.some((y) => y.id === x.id))).toEqual([]);
  });
});

describe('stats (supervisors only, over their own region)', () => {
  // The seed's ratings lie within the year before the day it ran: a window ending today always
  // holds them, whatever the calendar year (a fixed year emptied every region each January).
  const args = { p_from: shanghaiDayFromToday(-364), p_to: shanghaiDayFromToday(0), p_group_by: 'region', p_region_code: null, p_unit_id: null, p_include_default: true };
  test.each(ACTORS)('%s', async (actor) => {
    const res = await as(actor).rpc('stats', args);
    if (actor === 'supervisor-city' || actor === 'supervisor-fengqing') {
      expect(res.error).toBeNull();
      const regions = (res.data as Array<{ group_key: string }>).map((r) => r.group_key);
      if (actor === 'supervisor-fengqing') expect(regions).toEqual(['530921']);
      else expect([...regions].sort()).toEqual(['530900', '530902', '530921', '530922', '530923', '530924', '530925', '530926', '530927']);
    } else if (actor === 'anon') {
      expect(res.status).toBe(401);
    } else {
      // Signed-in non-supervisors (and the service role, which is nobody) are refused by rule.
      expect(res.status).toBe(actor === 'service_role' ? 401 : 403);
    }
  });
});
