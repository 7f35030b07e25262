/**
 * 综合点评, 回访抽查 and 第三方评估 (R18) through supabase-js and PostgREST: the contract names,
 * the row shapes of shared/comments.ts, the whole loop (the citizen writes, a supervisor routes,
 * the unit answers, the citizen reads the answer), and errors as 4xx with code and Chinese message.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { AssessmentRow, CommentHistoryRow, CommentRow, SampleBatchRow, SampleItemRow } from '../../../shared/comments.ts';
import { ERRORS } from '../../../shared/errors.ts';
import { PERSONA_KEYS, type PersonaKey } from '../../../shared/personas.ts';
import { parseRows } from '../../../shared/schemas.ts';
import { client, login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';

const clients = new Map<PersonaKey | 'anon' | 'service_role', SupabaseClient>();
const as = (who: PersonaKey | 'anon' | 'service_role') => clients.get(who)!;
let unitLX: string;
let unitPolice: string;

beforeAll(async () => {
  clients.set('anon', client());
  clients.set('service_role', client(stackEnv.serviceRoleKey));
  for (const key of PERSONA_KEYS) clients.set(key, client((await login(key)).access_token));
  const { data } = await client().from('units').select('id, name').in('name', ['临翔区市场监督管理局', '临翔区公安局']);
  unitLX = data!.find((u) => u.name === '临翔区市场监督管理局')!.id;
  unitPolice = data!.find((u) => u.name === '临翔区公安局')!.id;
});

const days = (n: number) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

test('the loop: citizen-a writes without a unit, supervisor-city routes, staff-linxiang answers, citizen-a reads the answer', async () => {
  const submitted = await as('citizen-a').rpc('submit_comment', {
    p_kind: 'complaint', p_content: '临翔区政务服务中心午休时间无人值守，白跑一趟。', p_unit_id: null, p_contact: '13987655678',
  });
  expect(submitted.error).toBeNull();
  const [c] = parseRows(CommentRow, submitted.data);
  expect(c).toMatchObject({ status: 'received', source: 'suggestion_box', unit_id: null, contact_masked: '139****5678' });

  const inbox = parseRows(CommentRow, (await as('supervisor-city').rpc('supervisor_comments', { p_status: 'received', p_region_code: null })).data);
  expect(inbox.map((r) => r.id)).toContain(c!.id);

  const routed = await as('supervisor-city').rpc('route_comment', { p_comment_id: c!.id, p_unit_id: unitLX, p_note: '请核实午休值守情况' });
  expect(routed.error).toBeNull();
  expect(parseRows(CommentRow, routed.data)[0]).toMatchObject({ status: 'routed', unit_name: '临翔区市场监督管理局' });

  const forUnit = parseRows(CommentRow, (await as('staff-linxiang').rpc('unit_comments', { p_status: 'routed' })).data);
  const seen = forUnit.find((r) => r.id === c!.id);
  expect(seen?.contact_masked).toBe('139****5678');
  expect(JSON.stringify(seen)).not.toContain('13987655678');

  const answered = await as('staff-linxiang').rpc('reply_comment', { p_comment_id: c!.id, p_reply: '已实行午间轮岗，12:00–14:00 设专人值守。' });
  expect(answered.error).toBeNull();

  const mine = parseRows(CommentRow, (await as('citizen-a').rpc('my_comments')).data);
  expect(mine.find((r) => r.id === c!.id)).toMatchObject({ status: 'replied', reply: '已实行午间轮岗，12:00–14:00 设专人值守。' });
  const timeline = parseRows(CommentHistoryRow, (await as('citizen-a').rpc('comment_history', { p_comment_id: c!.id })).data);
  expect(timeline.map((e) => e.event)).toEqual(['submitted', 'routed', 'replied']);

  const closed = await as('supervisor-city').rpc('close_comment', { p_comment_id: c!.id, p_note: null });
  expect(parseRows(CommentRow, closed.data)[0]!.status).toBe('closed');
  const again = await as('supervisor-city').rpc('close_comment', { p_comment_id: c!.id, p_note: null });
  expect(again.status).toBe(409);
  expect(again.error).toMatchObject({ code: 'comment_invalid_transition', message: ERRORS.comment_invalid_transition.message });
});

describe('refusals: 4xx, a stable code, the Chinese message, nothing written', () => {
  const count = async () => ((await as('citizen-b').rpc('my_comments')).data as unknown[]).length;

  test.each([
    ['empty content', 400, 'comment_content_required', { p_kind: 'suggestion', p_content: '   ' }],
    ['1001 characters', 400, 'comment_content_too_long', { p_kind: 'suggestion', p_content: '好'.repeat(1001) }],
    ['an unknown kind', 400, 'invalid_input', { p_kind: 'rant', p_content: '内容' }],
    ['a 101-character contact', 400, 'comment_contact_invalid', { p_kind: 'praise', p_content: '内容', p_contact: '1'.repeat(101) }],
    ['an unknown unit', 404, 'not_found', { p_kind: 'praise', p_content: '内容', p_unit_id: '11111111-1111-4111-8111-111111111111' }],
  ] as const)('submit_comment with %s → %i %s', async (_name, status, code, args) => {
    const before = await count();
    const res = await as('citizen-b').rpc('submit_comment', { p_unit_id: null, p_contact: null, ...args });
    expect(res.status).toBe(status);
    expect(res.error).toMatchObject({ code, message: ERRORS[code].message });
    expect(await count()).toBe(before);
  });

  test('a unit id that is not a uuid is a 400 from Postgres before anything runs', async () => {
    const res = await as('citizen-b').rpc('submit_comment', { p_kind: 'praise', p_content: '内容', p_unit_id: 'abc', p_contact: null });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('22P02');
  });

  test('staff of another unit answering, a citizen routing, a county supervisor routing a city comment: 403 forbidden', async () => {
    const { data } = await as('citizen-b').rpc('submit_comment', { p_kind: 'suggestion', p_content: '派出所增设自助拍照机', p_unit_id: unitPolice, p_contact: null });
    const id = parseRows(CommentRow, data)[0]!.id;
    for (const [who, fn, args] of [
      ['staff-fengqing', 'reply_comment', { p_comment_id: id, p_reply: '越权回复' }],
      ['staff-linxiang', 'reply_comment', { p_comment_id: id, p_reply: '不是本单位' }],
      ['citizen-b', 'route_comment', { p_comment_id: id, p_unit_id: unitLX, p_note: null }],
      ['supervisor-fengqing', 'route_comment', { p_comment_id: id, p_unit_id: unitLX, p_note: null }],
      ['unit-admin-linxiang', 'close_comment', { p_comment_id: id, p_note: '越权关闭' }],
    ] as const) {
      const res = await as(who).rpc(fn, args);
      expect([who, fn, res.status]).toEqual([who, fn, 403]);
      expect(res.error).toMatchObject({ code: 'forbidden', message: ERRORS.forbidden.message });
    }
    const still = parseRows(CommentRow, (await as('citizen-b').rpc('my_comments')).data).find((r) => r.id === id);
    expect(still).toMatchObject({ status: 'routed', unit_id: unitPolice, reply: null });
  });
});

/**
 * Every persona against every listing: 200 for those it is meant for, 403 forbidden for the
 * other signed-in ones, 401 for anon (no grant) and for the service role (it is nobody).
 */
const STAFF: PersonaKey[] = ['staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing'];
const SUPERVISORS: PersonaKey[] = ['supervisor-city', 'supervisor-fengqing'];
describe.each([
  ['my_comments', {}, [...PERSONA_KEYS]],
  ['unit_comments', { p_status: null }, STAFF],
  ['supervisor_comments', { p_status: null, p_region_code: null }, SUPERVISORS],
  ['return_visit_samples', { p_region_code: null }, SUPERVISORS],
  ['third_party_assessments', { p_region_code: null, p_unit_id: null }, [...STAFF, ...SUPERVISORS]],
] as const)('listing %s', (name, args, allowed) => {
  test.each(['anon', ...PERSONA_KEYS, 'service_role'] as const)('%s', async (who) => {
    const res = await as(who).rpc(name, args);
    if ((allowed as readonly string[]).includes(who)) {
      expect(res.error).toBeNull();
      expect(Array.isArray(res.data)).toBe(true);
    } else if (who === 'anon') {
      expect([res.status, res.error?.code]).toEqual([401, '42501']);
    } else if (who === 'service_role') {
      expect(res.status).toBe(name === 'my_comments' ? 200 : 401);
    } else {
      expect([res.status, res.error?.code]).toEqual([403, 'forbidden']);
    }
  });
});

/** Who may call which RPC at all (grants); everyone else gets 401 (anon) or 403 (42501). */
const nobody = '11111111-1111-4111-8111-111111111111';
describe.each([
  ['submit_comment', { p_kind: 'suggestion', p_content: '权限测试', p_unit_id: null, p_contact: null }],
  ['record_comment', { p_source: 'hotline', p_kind: 'complaint', p_content: '权限测试', p_region_code: '530900' }],
  ['route_comment', { p_comment_id: nobody, p_unit_id: nobody, p_note: null }],
  ['reply_comment', { p_comment_id: nobody, p_reply: '权限测试' }],
  ['close_comment', { p_comment_id: nobody, p_note: null }],
  ['reveal_comment_contact', { p_comment_id: nobody }],
  ['comment_history', { p_comment_id: nobody }],
  ['sample_return_visits', { p_from: days(10), p_to: days(0), p_region_code: null, p_n: 1 }],
  ['return_visit_sample_items', { p_sample_id: nobody }],
  ['record_sample_visit', { p_item_id: nobody, p_outcome: 'declined' }],
  ['record_third_party_assessment', { p_region_code: '530900', p_unit_id: null, p_period_from: '2026-07-01', p_period_to: '2026-09-30', p_assessor_org: '某机构', p_score: 80, p_summary: '权限测试' }],
])('rpc %s', (name, args) => {
  test('anon gets 401 permission denied, and nothing runs', async () => {
    const res = await as('anon').rpc(name, args);
    expect(res.status).toBe(401);
    expect(res.error?.code).toBe('42501');
  });
});

test('supervisors: a reproducible sample, worked through item by item; rater identity masked', async () => {
  const sup = as('supervisor-fengqing');
  const args = { p_from: days(60), p_to: days(0), p_region_code: null, p_n: 3, p_seed: 'api-seed' };
  const first = await sup.rpc('sample_return_visits', args);
  expect(first.error).toBeNull();
  const items = parseRows(SampleItemRow, first.data);
  expect(items).toHaveLength(3);
  const second = parseRows(SampleItemRow, (await sup.rpc('sample_return_visits', args)).data);
  expect(second.map((i) => i.rating_id)).toEqual(items.map((i) => i.rating_id));
  for (const i of items) expect(i.rater_masked_phone).toMatch(/^1\d{2}\*{4}\d{4}$/);

  const visit = await sup.rpc('record_sample_visit', { p_item_id: items[0]!.item_id, p_outcome: 'reached', p_satisfied: true, p_note: '电话回访' });
  expect(parseRows(SampleItemRow, visit.data)[0]).toMatchObject({ outcome: 'reached', satisfied: true });
  const twice = await sup.rpc('record_sample_visit', { p_item_id: items[0]!.item_id, p_outcome: 'declined', p_satisfied: null, p_note: null });
  expect(twice.status).toBe(409);
  expect(twice.error).toMatchObject({ code: 'sample_visit_recorded', message: ERRORS.sample_visit_recorded.message });

  const batches = parseRows(SampleBatchRow, (await sup.rpc('return_visit_samples', { p_region_code: null })).data);
  expect(batches.find((b) => b.id === items[0]!.sample_id)).toMatchObject({ item_count: 3, visited_count: 1, satisfied_count: 1, seed: 'api-seed' });

  const batchCount = async () => ((await sup.rpc('return_visit_samples', { p_region_code: null })).data as unknown[]).length;
  const before = await batchCount();
  const tooMany = await sup.rpc('sample_return_visits', { ...args, p_n: 201 });
  expect(tooMany.status).toBe(400);
  expect(tooMany.error).toMatchObject({ code: 'sample_size_out_of_range', message: ERRORS.sample_size_out_of_range.message });
  const none = await sup.rpc('sample_return_visits', { ...args, p_from: '2020-01-01', p_to: '2020-01-31' });
  expect(none.status).toBe(404);
  expect(none.error).toMatchObject({ code: 'sample_no_candidates', message: ERRORS.sample_no_candidates.message });
  expect(await batchCount()).toBe(before);
  const staff = await as('staff-fengqing').rpc('sample_return_visits', args);
  expect(staff.status).toBe(403);
  expect(staff.error?.code).toBe('forbidden');
});

test('第三方评估: recorded by a supervisor, read by the unit it is about', async () => {
  const rec = await as('supervisor-city').rpc('record_third_party_assessment', {
    p_region_code: null, p_unit_id: unitPolice, p_period_from: '2026-07-01', p_period_to: '2026-09-30',
    p_assessor_org: '滇西政务服务评估中心（演示）', p_score: 86.5, p_summary: '窗口服务规范，群众等候时间偏长。', p_attachment_ref: null,
  });
  expect(rec.error).toBeNull();
  const [row] = parseRows(AssessmentRow, rec.data);
  expect(row).toMatchObject({ unit_name: '临翔区公安局', score: 86.5, region_code: '530902' });

  const list = parseRows(AssessmentRow, (await as('supervisor-city').rpc('third_party_assessments', { p_region_code: null, p_unit_id: null })).data);
  expect(list.map((a) => a.id)).toContain(row!.id);
  const bad = await as('supervisor-city').rpc('record_third_party_assessment', {
    p_region_code: '530900', p_unit_id: null, p_period_from: '2026-07-01', p_period_to: '2026-09-30',
    p_assessor_org: '某机构', p_score: 120, p_summary: '得分超出范围', p_attachment_ref: null,
  });
  expect(bad.status).toBe(400);
  expect(bad.error).toMatchObject({ code: 'assessment_score_out_of_range', message: ERRORS.assessment_score_out_of_range.message });
  const citizen = await as('citizen-a').rpc('third_party_assessments', { p_region_code: null, p_unit_id: null });
  expect(citizen.status).toBe(403);
});
