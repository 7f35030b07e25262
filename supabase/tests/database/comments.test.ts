/**
 * 综合点评, 回访抽查 and 第三方评估 (R18) in the real database, actor by actor: the citizen who
 * wrote a comment → another citizen → staff of the unit it is routed to → staff of another unit
 * → a supervisor of its region → a supervisor of another region → anon. Every allowed action
 * beside a refused one with its exact code; bad input per RPC; the sample's reproducibility and
 * who may be in it. Each scenario runs in one transaction, switching actors, and is rolled back.
 */
import { CommentRow, SampleItemRow } from '../../../shared/comments.ts';
import { as, anon, type Actor, codeOf, connect, type Db, failure, PERSONA_IDS, user } from '../../../tests/support/db.ts';

let db: Db;
const units: Record<string, string> = {};
beforeAll(async () => {
  db = await connect();
  const { rows } = await db.query(`select id, name from app.units where name in ('临翔区市场监督管理局', '临翔区公安局', '凤庆县市场监督管理局')`);
  for (const r of rows) units[r.name] = r.id;
});
afterAll(async () => { await db.end(); });

const LX = () => units['临翔区市场监督管理局']!;
const LX_POLICE = () => units['临翔区公安局']!;
const FQ = () => units['凤庆县市场监督管理局']!;

const citizenA = user(PERSONA_IDS['citizen-a']);
const citizenB = user(PERSONA_IDS['citizen-b']);
const citizenAnon = user(PERSONA_IDS['citizen-anon']);
const staffLX = user(PERSONA_IDS['staff-linxiang']);
const adminLX = user(PERSONA_IDS['unit-admin-linxiang']);
const staffFQ = user(PERSONA_IDS['staff-fengqing']);
const supCity = user(PERSONA_IDS['supervisor-city']);
const supFQ = user(PERSONA_IDS['supervisor-fengqing']);

type Q = Db['query'];

/**
 * One transaction, several actors: `act(actor)` switches role and claims; `refused(fn)` runs a
 * call that must fail inside a savepoint (so the scenario can go on) and answers its code.
 */
interface Scenario {
  act: (a: Actor) => Promise<Q>;
  /** Back to the table owner (the migrations' role), to look at what was written. */
  owner: () => Promise<Q>;
  refused: (fn: () => Promise<unknown>) => Promise<string | undefined>;
}
async function scenario<T>(work: (s: Scenario) => Promise<T>): Promise<T> {
  const q = db.query.bind(db) as Q;
  await db.query('begin');
  try {
    return await work({
      act: async (a) => {
        await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: a.role, ...(a.sub ? { sub: a.sub } : {}) })]);
        await db.query(`set local role ${a.role}`);
        return q;
      },
      owner: async () => {
        await db.query('reset role');
        return q;
      },
      refused: async (fn) => {
        await db.query('savepoint refused');
        const err = await failure(fn());
        await db.query('rollback to savepoint refused');
        return codeOf(err);
      },
    });
  } finally {
    await db.query('rollback');
  }
}

/** Inside a scenario: back to the table owner. */
const ownerQ = async (): Promise<Q> => {
  await db.query('reset role');
  return db.query.bind(db) as Q;
};

/** Rows as pg returns them, with timestamps as ISO strings for the shared schemas. */
const iso = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
const one = (res: { rows: Record<string, unknown>[] }) => CommentRow.parse(iso(res.rows[0]!));

const submit = async (q: Q, kind: string, content: string, unit: string | null = null, contact: string | null = null) =>
  one(await q('select * from public.submit_comment($1, $2, $3, $4)', [kind, content, unit, contact]));
const route = async (q: Q, id: string, unit: string, note: string | null = null) =>
  one(await q('select * from public.route_comment($1, $2, $3)', [id, unit, note]));
const reply = async (q: Q, id: string, text: string) => one(await q('select * from public.reply_comment($1, $2)', [id, text]));
const close = async (q: Q, id: string, note: string | null = null) => one(await q('select * from public.close_comment($1, $2)', [id, note]));
const ids = async (q: Q, sql: string, params: unknown[] = []) => (await q(sql, params)).rows.map((r) => r.id as string);
const history = async (q: Q, id: string) => (await q('select event, status_from, status_to, unit_name from public.comment_history($1)', [id])).rows;

describe('citizen (the author)', () => {
  test('submits to a unit of their choice: routed at once, contact masked, listed in my_comments with its history', async () => {
    await scenario(async ({ act }) => {
      const q = await act(citizenA);
      const c = await submit(q, 'suggestion', '  大厅的叫号屏字太小，老人看不清。  ', LX(), '13987651234');
      expect(c).toMatchObject({ kind: 'suggestion', source: 'suggestion_box', status: 'routed', content: '大厅的叫号屏字太小，老人看不清。',
        unit_id: LX(), unit_name: '临翔区市场监督管理局', region_code: '530902', contact_masked: '139****1234', reply: null });
      expect(c).not.toHaveProperty('contact');
      const mine = (await q('select * from public.my_comments()')).rows.map((r) => CommentRow.parse(iso(r)));
      expect(mine.map((r) => r.id)).toContain(c.id);
      expect(await history(q, c.id)).toEqual([
        { event: 'submitted', status_from: null, status_to: 'received', unit_name: null },
        { event: 'routed', status_from: 'received', status_to: 'routed', unit_name: '临翔区市场监督管理局' },
      ]);
    });
  });

  test('without a unit it waits in the inbox of the citizen’s region, or of the city when they have none', async () => {
    await scenario(async ({ act }) => {
      const a = await submit(await act(citizenA), 'complaint', '停车场收费不合理');
      expect(a).toMatchObject({ status: 'received', unit_id: null, region_code: '530902', contact_masked: '' });
      const anonymous = await submit(await act(citizenAnon), 'praise', '小程序很好用');
      expect(anonymous).toMatchObject({ status: 'received', region_code: '530900' });
    });
  });

  test('stores the contact encrypted (R13), never in clear, and masks e-mails and names too', async () => {
    await scenario(async ({ act }) => {
      const q = await act(citizenA);
      const mail = await submit(q, 'suggestion', '建议一', null, 'li.mei@example.cn');
      const name = await submit(q, 'suggestion', '建议二', null, '李女士');
      expect([mail.contact_masked, name.contact_masked]).toEqual(['l***@example.cn', '李*']);
      const owner = await ownerQ();
      // No clear column any more; the stored bytes are a pgcrypto message, not the text.
      const columns = (await owner(`select column_name from information_schema.columns where table_schema = 'app' and table_name = 'comments' and column_name like 'contact%' order by 1`)).rows;
      expect(columns.map((c) => c.column_name)).toEqual(['contact_enc', 'contact_masked']);
      const stored = (await owner('select contact_enc, app.pii_decrypt(contact_enc) as plain from app.comments where id = $1', [mail.id])).rows[0];
      expect(Buffer.isBuffer(stored.contact_enc)).toBe(true);
      expect(stored.contact_enc.toString('latin1')).not.toContain('li.mei');
      expect(stored.contact_enc.toString('utf8')).not.toContain('example.cn');
      expect(stored.plain).toBe('li.mei@example.cn');
      // Seeded contacts (supabase/seed/40_comments.sql) are encrypted too.
      const seeded = (await owner(`select count(*)::int as n from app.comments where contact_enc is not null and position(convert_to('1398765', 'UTF8') in contact_enc) > 0`)).rows[0];
      expect(seeded.n).toBe(0);
    });
  });

  test('cannot route, reply to, close or reveal their own comment (forbidden)', async () => {
    await scenario(async ({ act, refused }) => {
      const q = await act(citizenA);
      const c = await submit(q, 'complaint', '窗口午休无人', LX(), '13987651234');
      expect(await refused(() => q('select * from public.route_comment($1, $2)', [c.id, LX_POLICE()]))).toBe('forbidden');
      expect(await refused(() => q('select * from public.reply_comment($1, $2)', [c.id, '自己回复']))).toBe('forbidden');
      expect(await refused(() => q('select * from public.close_comment($1, $2)', [c.id, '不想要了']))).toBe('forbidden');
      expect(await refused(() => q('select * from public.reveal_comment_contact($1)', [c.id]))).toBe('forbidden');
      expect(await refused(() => q('select * from public.unit_comments()'))).toBe('forbidden');
      expect(await refused(() => q('select * from public.supervisor_comments()'))).toBe('forbidden');
    });
  });

  test('at most 20 comments a day: the 21st is comment_daily_limit', async () => {
    await scenario(async ({ act, owner, refused }) => {
      const already = (await (await owner())(
        `select count(*)::int as n from app.comments where author_user_id = $1 and created_at > now() - interval '1 day'`,
        [PERSONA_IDS['citizen-b']])).rows[0].n as number;
      const q = await act(citizenB);
      for (let i = already + 1; i <= 20; i++) await submit(q, 'suggestion', `第 ${i} 条建议`);
      expect(await refused(() => submit(q, 'suggestion', '第 21 条建议'))).toBe('comment_daily_limit');
      expect(await refused(() => submit(q, 'praise', '第 22 条'))).toBe('comment_daily_limit');
    });
  });
});

test.each([
  ['13987651234', '139****1234'],
  [' 139 8765 1234 ', '139****1234'],
  ['0883-2123456', '088****3456'],
  ['2123456', '****3456'],
  ['li.mei@example.cn', 'l***@example.cn'],
  ['李女士', '李*'],
  ['wx_lm', 'w*'],
  ['', ''],
  [null, ''],
])('app.mask_contact(%p) is %p', async (contact, masked) => {
  expect((await db.query('select app.mask_contact($1) as m', [contact])).rows[0].m).toBe(masked);
});

describe('another citizen', () => {
  test('does not see it in their list, cannot read its history or answer it', async () => {
    await scenario(async ({ act, refused }) => {
      const c = await submit(await act(citizenA), 'complaint', '办事指南与窗口要求不一致', LX());
      const q = await act(citizenB);
      expect(await ids(q, 'select id from public.my_comments()')).not.toContain(c.id);
      expect(await refused(() => q('select * from public.comment_history($1)', [c.id]))).toBe('forbidden');
      expect(await refused(() => q('select * from public.reply_comment($1, $2)', [c.id, '冒充回复']))).toBe('forbidden');
    });
  });

  test('cannot read the tables directly', async () => {
    const err = await as(db, citizenB, (q) => failure(q('select * from app.comments')));
    expect(err.code).toBe('42501');
  });
});

describe('staff of the unit it is routed to', () => {
  test('list it without author or clear contact, answer it once; the author reads the reply', async () => {
    await scenario(async ({ act, refused }) => {
      const c = await submit(await act(citizenA), 'complaint', '营业执照变更要跑两趟', LX(), '13987651234');
      let q = await act(staffLX);
      const listed = (await q(`select * from public.unit_comments('routed')`)).rows.map((r) => CommentRow.parse(iso(r)));
      const row = listed.find((r) => r.id === c.id);
      expect(row).toMatchObject({ contact_masked: '139****1234', status: 'routed' });
      expect(JSON.stringify(row)).not.toContain('13987651234');
      expect(await ids(q, `select id from public.unit_comments('replied')`)).not.toContain(c.id);

      const answered = await reply(q, c.id, '  已优化流程，可一次办结。 ');
      expect(answered).toMatchObject({ status: 'replied', reply: '已优化流程，可一次办结。' });
      expect(answered.replied_at).not.toBeNull();
      expect(await refused(() => reply(q, c.id, '再回复一次'))).toBe('comment_invalid_transition');
      q = await act(adminLX);
      expect(await refused(() => reply(q, c.id, '管理员也回复'))).toBe('comment_invalid_transition');
      expect(await ids(q, `select id from public.unit_comments('replied')`)).toContain(c.id);

      q = await act(citizenA);
      const mine = (await q('select * from public.my_comments()')).rows.find((r) => r.id === c.id);
      expect(mine).toMatchObject({ status: 'replied', reply: '已优化流程，可一次办结。' });
    });
  });

  test('the unit admin may answer too; a comment not routed to them (or not routed yet) is forbidden', async () => {
    await scenario(async ({ act, refused }) => {
      const q0 = await act(citizenA);
      const mine = await submit(q0, 'suggestion', '增加休息座椅', LX());
      const other = await submit(q0, 'suggestion', '派出所窗口延时服务', LX_POLICE());
      const unrouted = await submit(q0, 'suggestion', '还没转办的建议');
      const q = await act(adminLX);
      expect((await reply(q, mine.id, '已增加 20 个座椅。')).status).toBe('replied');
      expect(await refused(() => reply(q, other.id, '不是我们单位的'))).toBe('forbidden');
      expect(await refused(() => reply(q, unrouted.id, '还没转办'))).toBe('forbidden');
      expect(await ids(q, 'select id from public.unit_comments()')).not.toContain(other.id);
    });
  });

  test('cannot route, close or reveal (forbidden), nor record a hotline comment', async () => {
    await scenario(async ({ act, refused }) => {
      const c = await submit(await act(citizenA), 'complaint', '服务态度差', LX(), '13987651234');
      const q = await act(staffLX);
      expect(await refused(() => q('select * from public.route_comment($1, $2)', [c.id, LX_POLICE()]))).toBe('forbidden');
      expect(await refused(() => q('select * from public.close_comment($1, $2)', [c.id, '关闭']))).toBe('forbidden');
      expect(await refused(() => q('select * from public.reveal_comment_contact($1)', [c.id]))).toBe('forbidden');
      expect(await refused(() => q(`select * from public.record_comment('hotline', 'complaint', '来电', '530902')`))).toBe('forbidden');
    });
  });
});

describe('staff of another unit', () => {
  test('do not see it and cannot answer it', async () => {
    await scenario(async ({ act, refused }) => {
      const c = await submit(await act(citizenA), 'complaint', '材料清单不一致', LX());
      const q = await act(staffFQ);
      expect(await ids(q, 'select id from public.unit_comments()')).not.toContain(c.id);
      expect(await refused(() => reply(q, c.id, '越权回复'))).toBe('forbidden');
      expect(await refused(() => q('select * from public.comment_history($1)', [c.id]))).toBe('forbidden');
    });
  });
});

describe('supervisor of the region', () => {
  test('routes a received comment (its inbox moves to the unit’s region), re-routes it before it is answered, never to the same unit', async () => {
    await scenario(async ({ act, refused }) => {
      const c = await submit(await act(citizenAnon), 'complaint', '凤庆县窗口不按时上班');
      expect(c.region_code).toBe('530900');
      const q = await act(supCity);
      expect(await ids(q, `select id from public.supervisor_comments('received')`)).toContain(c.id);
      const routed = await route(q, c.id, LX(), '先交临翔区核实');
      expect(routed).toMatchObject({ status: 'routed', unit_id: LX(), region_code: '530902' });
      const rerouted = await route(q, c.id, FQ());
      expect(rerouted).toMatchObject({ status: 'routed', unit_id: FQ(), region_code: '530921' });
      expect(await refused(() => route(q, c.id, FQ()))).toBe('comment_invalid_transition');
      expect((await history(q, c.id)).map((e) => e.event)).toEqual(['submitted', 'routed', 'rerouted']);
      // The unit it left no longer sees it; the one it reached does.
      expect(await ids(await act(staffLX), 'select id from public.unit_comments()')).not.toContain(c.id);
      expect(await ids(await act(staffFQ), 'select id from public.unit_comments()')).toContain(c.id);
      expect(await ids(await act(supFQ), 'select id from public.supervisor_comments()')).toContain(c.id);
    });
  });

  test('closes an answered comment; refuses to close one still with the unit; closes an unanswered one only with a reason', async () => {
    await scenario(async ({ act, refused }) => {
      const q0 = await act(citizenA);
      const answered = await submit(q0, 'suggestion', '增加母婴室', LX());
      const pending = await submit(q0, 'suggestion', '增加饮水机', LX());
      const duplicate = await submit(q0, 'suggestion', '增加饮水机（重复）');
      await reply(await act(staffLX), answered.id, '已设置母婴室。');
      const q = await act(supCity);
      expect(await refused(() => close(q, pending.id, '催办'))).toBe('comment_invalid_transition');
      expect((await close(q, answered.id)).status).toBe('closed');
      expect(await refused(() => close(q, answered.id, '再关一次'))).toBe('comment_invalid_transition');
      expect(await refused(() => route(q, answered.id, LX_POLICE()))).toBe('comment_invalid_transition');
      expect(await refused(() => close(q, duplicate.id))).toBe('comment_content_required');
      expect(await close(q, duplicate.id, '与前一条重复')).toMatchObject({ status: 'closed', close_note: '与前一条重复', unit_id: null });
      const staffQ = await act(staffLX);
      expect(await refused(() => reply(staffQ, answered.id, '关了还回复'))).toBe('comment_invalid_transition');
    });
  });

  test('records hotline, platform and e-mail comments; reveals a contact in clear, and the reveal is logged', async () => {
    await scenario(async ({ act, refused }) => {
      const q = await act(supCity);
      const rec = CommentRow.parse(iso((await q(
        `select * from public.record_comment('hotline', 'complaint', '来电反映社保卡补办慢', null, $1, '0883-2123456', now() - interval '1 hour')`,
        [LX()])).rows[0]));
      expect(rec).toMatchObject({ source: 'hotline', status: 'routed', region_code: '530902', contact_masked: '088****3456' });
      const inbox = CommentRow.parse(iso((await q(`select * from public.record_comment('email', 'suggestion', '来信建议', '530921')`)).rows[0]));
      expect(inbox).toMatchObject({ source: 'email', status: 'received', unit_id: null, region_code: '530921' });
      expect(await refused(() => q(`select * from public.record_comment('suggestion_box', 'complaint', '冒充意见箱', '530902')`))).toBe('invalid_input');
      expect(await refused(() => q(`select * from public.record_comment('hotline', 'complaint', '未来来电', '530902', null, null, now() + interval '1 day')`))).toBe('invalid_input');
      expect(await refused(() => q(`select * from public.record_comment('hotline', 'complaint', '单位与地区不符', '530921', $1)`, [LX()]))).toBe('invalid_input');

      const revealed = (await q('select * from public.reveal_comment_contact($1)', [rec.id])).rows;
      expect(revealed).toEqual([{ contact: '0883-2123456', contact_masked: '088****3456' }]);
      expect((await history(q, rec.id)).map((e) => e.event)).toEqual(['recorded', 'routed', 'contact_revealed']);
      // The unit sees only the masked form.
      const unitRow = (await (await act(staffLX))('select * from public.unit_comments()')).rows.find((r) => r.id === rec.id);
      expect(unitRow.contact_masked).toBe('088****3456');
      expect(JSON.stringify(unitRow)).not.toContain('2123456');
    });
  });

  test('the seeded inbox has comments in every state, with contacts masked', async () => {
    const rows = await as(db, supCity, async (q) => (await q('select * from public.supervisor_comments()')).rows.map((r) => CommentRow.parse(iso(r))));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['received', 'routed', 'replied', 'closed']));
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['suggestion_box', 'hotline', 'supervision_platform', 'email']));
    for (const r of rows) expect(r.contact_masked).toMatch(/^$|\*/);
  });
});

describe('supervisor of another region', () => {
  test('cannot list, route, close or reveal comments outside 凤庆县, nor route into another county', async () => {
    await scenario(async ({ act, refused }) => {
      const q0 = await act(citizenA);
      const lx = await submit(q0, 'complaint', '临翔区的投诉', LX(), '13987651234');
      const q = await act(supFQ);
      expect(await ids(q, 'select id from public.supervisor_comments()')).not.toContain(lx.id);
      expect(await refused(() => q(`select * from public.supervisor_comments(null, '530902')`))).toBe('forbidden');
      expect(await refused(() => route(q, lx.id, FQ()))).toBe('forbidden');
      expect(await refused(() => close(q, lx.id, '越权关闭'))).toBe('forbidden');
      expect(await refused(() => q('select * from public.reveal_comment_contact($1)', [lx.id]))).toBe('forbidden');
      expect(await refused(() => q(`select * from public.record_comment('hotline', 'complaint', '越权登记', '530902')`))).toBe('forbidden');

      const fq = CommentRow.parse(iso((await q(`select * from public.record_comment('hotline', 'complaint', '凤庆县来电')`)).rows[0]));
      expect(fq).toMatchObject({ region_code: '530921', status: 'received' });
      expect(await refused(() => route(q, fq.id, LX()))).toBe('forbidden');
      expect((await route(q, fq.id, FQ())).status).toBe('routed');
    });
  });
});

describe('anon', () => {
  test.each([
    ['submit_comment', `select * from public.submit_comment('suggestion', '匿名建议')`],
    ['my_comments', 'select * from public.my_comments()'],
    ['unit_comments', 'select * from public.unit_comments()'],
    ['supervisor_comments', 'select * from public.supervisor_comments()'],
    ['route_comment', `select * from public.route_comment(gen_random_uuid(), gen_random_uuid())`],
    ['reply_comment', `select * from public.reply_comment(gen_random_uuid(), '回复')`],
    ['close_comment', `select * from public.close_comment(gen_random_uuid())`],
    ['comment_history', `select * from public.comment_history(gen_random_uuid())`],
    ['sample_return_visits', `select * from public.sample_return_visits(current_date - 30, current_date)`],
    ['third_party_assessments', 'select * from public.third_party_assessments()'],
    ['the comments table', 'select * from app.comments'],
  ])('%s: permission denied', async (_name, sql) => {
    const err = await as(db, anon, (q) => failure(q(sql)));
    expect(err.code).toBe('42501');
  });

  test('the service role is nobody: user RPCs answer unauthorized', async () => {
    const err = await as(db, { role: 'service_role' }, (q) => failure(q(`select * from public.submit_comment('suggestion', '后台')`)));
    expect(codeOf(err)).toBe('unauthorized');
  });
});

// Each refusal is an exception, so the whole call is undone; api/comments.test.ts checks through
// PostgREST that the citizen's list is unchanged after each refused submit.
describe('bad input, per RPC', () => {
  const unknown = '11111111-1111-4111-8111-111111111111';
  const long = '好'.repeat(1001);
  const cases: Array<[string, string, Actor, (q: Q) => Promise<unknown>]> = [
    ['submit: unknown kind', 'invalid_input', citizenA, (q) => submit(q, 'rant', '内容')],
    ['submit: null kind', 'invalid_input', citizenA, (q) => q('select * from public.submit_comment(null, $1)', ['内容'])],
    ['submit: empty content', 'comment_content_required', citizenA, (q) => submit(q, 'suggestion', '')],
    ['submit: blank content', 'comment_content_required', citizenA, (q) => submit(q, 'suggestion', ' \n\t ')],
    ['submit: null content', 'comment_content_required', citizenA, (q) => q(`select * from public.submit_comment('suggestion', null)`)],
    ['submit: 1001 characters', 'comment_content_too_long', citizenA, (q) => submit(q, 'suggestion', long)],
    ['submit: 101-character contact', 'comment_contact_invalid', citizenA, (q) => submit(q, 'suggestion', '内容', null, '1'.repeat(101))],
    ['submit: contact with a control character', 'comment_contact_invalid', citizenA, (q) => submit(q, 'suggestion', '内容', null, '139\u00078765')],
    ['submit: unknown unit', 'not_found', citizenA, (q) => submit(q, 'suggestion', '内容', unknown)],
    ['submit: a unit id that is not a uuid', '22P02', citizenA, (q) => q(`select * from public.submit_comment('suggestion', '内容', 'abc')`)],
    ['submit: a kind that is not text-like', '42883', citizenA, (q) => q(`select * from public.submit_comment(array[1], '内容')`)],
    ['route: unknown comment', 'not_found', supCity, (q) => route(q, unknown, LX())],
    ['route: unknown unit', 'not_found', supCity, async (q) => route(q, (await seeded(q, 'received')), unknown)],
    ['route: no unit', 'invalid_input', supCity, (q) => q('select * from public.route_comment($1, null)', [unknown])],
    ['route: 1001-character note', 'comment_content_too_long', supCity, (q) => route(q, unknown, LX(), long)],
    ['route: an id that is not a uuid', '22P02', supCity, (q) => q(`select * from public.route_comment('x', 'y')`)],
    ['reply: unknown comment', 'not_found', staffLX, (q) => reply(q, unknown, '回复')],
    ['reply: empty reply', 'comment_content_required', staffLX, (q) => reply(q, unknown, '')],
    ['reply: 1001 characters', 'comment_content_too_long', staffLX, (q) => reply(q, unknown, long)],
    ['close: unknown comment', 'not_found', supCity, (q) => close(q, unknown, '说明')],
    ['close: 1001-character note', 'comment_content_too_long', supCity, (q) => close(q, unknown, long)],
    ['history: unknown comment', 'not_found', citizenA, (q) => q('select * from public.comment_history($1)', [unknown])],
    ['reveal: unknown comment', 'not_found', supCity, (q) => q('select * from public.reveal_comment_contact($1)', [unknown])],
    ['unit_comments: unknown status', 'invalid_input', staffLX, (q) => q(`select * from public.unit_comments('open')`)],
    ['supervisor_comments: unknown status', 'invalid_input', supCity, (q) => q(`select * from public.supervisor_comments('open')`)],
    ['supervisor_comments: unknown region', 'forbidden', supCity, (q) => q(`select * from public.supervisor_comments(null, '999999')`)],
    ['record: unknown source', 'invalid_input', supCity, (q) => q(`select * from public.record_comment('fax', 'complaint', '内容', '530902')`)],
    ['record: empty content', 'comment_content_required', supCity, (q) => q(`select * from public.record_comment('hotline', 'complaint', '', '530902')`)],
    ['record: unknown unit', 'not_found', supCity, (q) => q(`select * from public.record_comment('hotline', 'complaint', '内容', null, $1)`, [unknown])],
  ];
  test.each(cases)('%s → %s', async (_name, code, actor, call) => {
    await scenario(async ({ act, refused }) => {
      const q = await act(actor);
      expect(await refused(() => call(q))).toBe(code);
    });
  });

  test('exactly 1000 characters are accepted', async () => {
    await scenario(async ({ act }) => {
      const c = await submit(await act(citizenA), 'suggestion', '好'.repeat(1000));
      expect(c.content).toHaveLength(1000);
    });
  });
});

/** A seeded comment of the supervisor's inbox in a given state. */
async function seeded(q: Q, status: string): Promise<string> {
  const [id] = await ids(q, 'select id from public.supervisor_comments($1)', [status]);
  if (!id) throw new Error(`no seeded ${status} comment`);
  return id;
}

describe('回访抽查 (sample_return_visits)', () => {
  const draw = (q: Q, from: string, to: string, region: string | null, n: number | null, seed: string | null) =>
    q('select * from public.sample_return_visits($1::date, $2::date, $3, $4, $5)', [from, to, region, n, seed]);
  const days = (n: number) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

  test('the same seed draws the same raters; another seed draws others; the batch keeps the seed', async () => {
    await scenario(async ({ act }) => {
      const q = await act(supCity);
      const a = (await draw(q, days(90), days(0), '530900', 10, 'seed-一')).rows.map((r) => SampleItemRow.parse(iso(r)));
      const b = (await draw(q, days(90), days(0), '530900', 10, 'seed-一')).rows;
      const c = (await draw(q, days(90), days(0), '530900', 10, 'seed-二')).rows;
      expect(a).toHaveLength(10);
      expect(a.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(b.map((r) => r.rating_id)).toEqual(a.map((r) => r.rating_id));
      expect(b[0].sample_id).not.toBe(a[0]!.sample_id);
      expect(c.map((r) => r.rating_id)).not.toEqual(a.map((r) => r.rating_id));
      expect(new Set(a.map((r) => r.seed))).toEqual(new Set(['seed-一']));
      // Without a seed one is drawn, kept and returned, and replays the same sample.
      const random = (await draw(q, days(90), days(0), '530900', 5, null)).rows;
      const seed = random[0].seed as string;
      expect(seed).toMatch(/^[0-9a-f]{16}$/);
      expect((await draw(q, days(90), days(0), '530900', 5, seed)).rows.map((r) => r.rating_id)).toEqual(random.map((r) => r.rating_id));
    });
  });

  test('draws only real-name, named, first, non-default, valid ratings of the region and period — one per rater, all of them when n is large', async () => {
    await scenario(async ({ act }) => {
      const q = await act(supFQ);
      const sample = (await draw(q, days(20), days(5), null, 200, 'all')).rows;
      const owner = await ownerQ();
      const eligible = (await owner(
        `select distinct r.rater_user_id::text as rater
         from app.ratings r
         where r.region_code = '530921'
           and to_char(r.rated_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') between $1 and $2
           and r.is_anonymous = false and r.channel <> 'default' and r.assess_number = 1 and r.validity = 'valid'
           and exists (select 1 from app.users u where u.id = r.rater_user_id and u.realname_verified_at is not null)`,
        [days(20), days(5)])).rows.map((r) => r.rater);
      expect(eligible.length).toBeGreaterThan(3);
      expect(eligible.length).toBeLessThan(200);
      const sampledRaters = (await owner('select rater_user_id::text as rater from app.return_visit_sample_items where sample_id = $1', [sample[0].sample_id])).rows.map((r) => r.rater);
      expect([...sampledRaters].sort()).toEqual([...eligible].sort());
      const batch = (await owner('select candidate_count from app.return_visit_samples where id = $1', [sample[0].sample_id])).rows[0];
      expect(batch.candidate_count).toBe(eligible.length);
      // Masked only, as app.users keeps them.
      for (const r of sample) {
        expect(r.rater_masked_phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
        expect(r.rater_masked_name).toMatch(/\*/);
      }
    });
  });

  test('an anonymous rating, a rater without real name and a default are never drawn', async () => {
    await scenario(async ({ act }) => {
      const owner = await ownerQ();
      // A quiet day long ago with three ratings in 凤庆县: only the real-name, named one may be drawn.
      const day = '2025-03-12';
      const tx = (await owner(`select t.unit_id, t.matter_id, t.hall_id, t.window_id from app.transactions t where t.region_code = '530921' limit 1`)).rows[0];
      const insert = (rater: string | null, anonymous: boolean) => owner(
        `insert into app.ratings (level, channel, is_anonymous, rater_user_id, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
         values (5, 'qrcode', $2, $1, $3, '530921', $4, $5, $6::date, ($6::date + time '10:00') at time zone 'Asia/Shanghai') returning id`,
        [rater, anonymous, tx.unit_id, tx.hall_id, tx.window_id, day]);
      const named = (await insert(PERSONA_IDS['citizen-b'], false)).rows[0].id;
      await insert(PERSONA_IDS['citizen-a'], true);
      await insert(PERSONA_IDS['citizen-anon'], false);
      const q = await act(supFQ);
      const rows = (await draw(q, day, day, null, 10, 'quiet')).rows;
      expect(rows.map((r) => r.rating_id)).toEqual([named]);
    });
  });

  test.each([
    [0, 'sample_size_out_of_range'], [201, 'sample_size_out_of_range'], [null, 'sample_size_out_of_range'],
  ])('p_n %p → %s', async (n, code) => {
    await scenario(async ({ act, refused }) => {
      const q = await act(supCity);
      expect(await refused(() => draw(q, days(30), days(0), null, n, 'x'))).toBe(code);
    });
  });

  test('p_n 1 and 200 are the bounds that are accepted', async () => {
    await scenario(async ({ act }) => {
      const q = await act(supCity);
      expect((await draw(q, days(30), days(0), null, 1, 'one')).rows).toHaveLength(1);
      expect((await draw(q, days(120), days(0), null, 200, 'many')).rows).toHaveLength(200);
    });
  });

  test.each([
    ['from after to', 'review_period_invalid', days(1), days(5)],
    ['more than a year', 'review_period_invalid', days(400), days(0)],
    ['a period with no ratings', 'sample_no_candidates', '2020-01-01', '2020-01-31'],
  ])('%s → %s', async (_name, code, from, to) => {
    await scenario(async ({ act, refused }) => {
      const q = await act(supCity);
      expect(await refused(() => draw(q, from, to, null, 5, 'x'))).toBe(code);
    });
  });

  test('a wrong type for p_from is refused by Postgres', async () => {
    const err = await as(db, supCity, (q) => failure(q(`select * from public.sample_return_visits('yesterday-ish', current_date)`)));
    expect(err.code).toBe('22007');
  });

  test('supervisors only, over their own regions', async () => {
    await scenario(async ({ act, refused }) => {
      for (const actor of [citizenA, staffLX, adminLX]) {
        const q = await act(actor);
        expect(await refused(() => draw(q, days(30), days(0), null, 5, 'x'))).toBe('forbidden');
      }
      const q = await act(supFQ);
      expect(await refused(() => draw(q, days(30), days(0), '530902', 5, 'x'))).toBe('forbidden');
      const own = (await draw(q, days(60), days(0), null, 50, 'x')).rows;
      expect(new Set(own.map((r) => r.unit_name.slice(0, 3)))).toEqual(new Set(['凤庆县']));
    });
  });

  test('record_sample_visit: reached with satisfaction; unreachable may be retried; a recorded visit stands', async () => {
    await scenario(async ({ act, refused }) => {
      const q = await act(supFQ);
      const [first, second, third] = (await draw(q, days(60), days(0), null, 3, 'visits')).rows;
      const visit = (item: string, outcome: string | null, satisfied: boolean | null, note: string | null = null) =>
        q('select * from public.record_sample_visit($1, $2, $3, $4)', [item, outcome, satisfied, note]);
      const done = SampleItemRow.parse(iso((await visit(first.item_id, 'reached', true, '电话回访，群众满意')).rows[0]));
      expect(done).toMatchObject({ outcome: 'reached', satisfied: true, note: '电话回访，群众满意' });
      expect(await refused(() => visit(first.item_id, 'reached', false))).toBe('sample_visit_recorded');
      expect((await visit(second.item_id, 'unreachable', null)).rows[0].outcome).toBe('unreachable');
      expect((await visit(second.item_id, 'reached', false, '第二次联系上，不满意')).rows[0]).toMatchObject({ outcome: 'reached', satisfied: false });
      expect(await refused(() => visit(third.item_id, 'reached', null))).toBe('invalid_input');
      expect(await refused(() => visit(third.item_id, 'declined', true))).toBe('invalid_input');
      expect(await refused(() => visit(third.item_id, 'maybe', null))).toBe('invalid_input');
      expect(await refused(() => visit(third.item_id, 'declined', null, '好'.repeat(1001)))).toBe('comment_content_too_long');
      expect(await refused(() => visit('11111111-1111-4111-8111-111111111111', 'declined', null))).toBe('not_found');
      const [batch] = (await q('select * from public.return_visit_samples()')).rows;
      expect(batch).toMatchObject({ item_count: 3, visited_count: 2, satisfied_count: 1, seed: 'visits', region_code: '530921' });
      const items = (await q('select * from public.return_visit_sample_items($1)', [first.sample_id])).rows;
      expect(items.map((r) => r.outcome)).toEqual(['reached', 'reached', null]);

      // Another county's supervisor, and staff, cannot see or record it; the city's supervisor can.
      const other = await act(staffFQ);
      expect(await refused(() => other('select * from public.return_visit_sample_items($1)', [first.sample_id]))).toBe('forbidden');
      expect(await refused(() => other('select * from public.record_sample_visit($1, $2)', [third.item_id, 'declined']))).toBe('forbidden');
      const city = await act(supCity);
      expect((await city('select * from public.record_sample_visit($1, $2)', [third.item_id, 'declined'])).rows[0].outcome).toBe('declined');
    });
  });

  test('a county supervisor cannot open or record a city batch', async () => {
    await scenario(async ({ act, refused }) => {
      const [item] = (await draw(await act(supCity), days(60), days(0), '530902', 1, 'city')).rows;
      const q = await act(supFQ);
      expect(await refused(() => q('select * from public.return_visit_sample_items($1)', [item.sample_id]))).toBe('forbidden');
      expect(await refused(() => q('select * from public.record_sample_visit($1, $2)', [item.item_id, 'declined']))).toBe('forbidden');
      expect(await ids(q, 'select id from public.return_visit_samples()')).not.toContain(item.sample_id);
      expect(await ids(await act(supCity), 'select id from public.return_visit_samples()')).toContain(item.sample_id);
    });
  });
});

describe('第三方评估', () => {
  const record = (q: Q, region: string | null, unit: string | null, score: number | string | null, extra: { summary?: string; ref?: string | null; from?: string; to?: string } = {}) =>
    q('select * from public.record_third_party_assessment($1, $2, $3::date, $4::date, $5, $6, $7, $8)',
      [region, unit, extra.from ?? '2026-07-01', extra.to ?? '2026-09-30', '滇西政务服务评估中心', score, extra.summary ?? '总体较好', extra.ref ?? 'assessments/q3.pdf']);

  test('a supervisor records one for a unit; the unit’s staff read it, other units and counties do not', async () => {
    await scenario(async ({ act, refused }) => {
      const q = await act(supCity);
      const row = (await record(q, null, LX(), 91.25)).rows[0];
      expect(row).toMatchObject({ region_code: '530902', unit_name: '临翔区市场监督管理局', score: '91.25', attachment_ref: 'assessments/q3.pdf' });
      expect(await ids(q, 'select id from public.third_party_assessments()')).toEqual(expect.arrayContaining([row.id]));
      expect(await ids(await act(staffLX), 'select id from public.third_party_assessments()')).toEqual([row.id]);
      expect(await ids(await act(staffFQ), 'select id from public.third_party_assessments()')).toEqual([]);
      expect(await ids(await act(supFQ), 'select id from public.third_party_assessments()')).not.toContain(row.id);
      const staffQ = await act(staffLX);
      expect(await refused(() => staffQ(`select * from public.third_party_assessments('530902')`))).toBe('forbidden');
      expect(await refused(() => staffQ('select * from public.third_party_assessments(null, $1)', [FQ()]))).toBe('forbidden');
      expect(await refused(() => record(staffQ, null, LX(), 80))).toBe('forbidden');
      const citizen = await act(citizenA);
      expect(await refused(() => citizen('select * from public.third_party_assessments()'))).toBe('forbidden');
    });
  });

  test('the seeded city-wide assessment is listed for supervisors of the city only', async () => {
    const city = await as(db, supCity, async (q) => (await q('select region_code, unit_id, score from public.third_party_assessments()')).rows);
    expect(city).toContainEqual({ region_code: '530900', unit_id: null, score: '88.50' });
    const county = await as(db, supFQ, async (q) => (await q('select region_code from public.third_party_assessments()')).rows);
    expect(county.map((r) => r.region_code)).not.toContain('530900');
  });

  test.each([
    ['a county supervisor for another county', 'forbidden', supFQ, (q: Q) => record(q, '530902', null, 80)],
    ['score 100.01', 'assessment_score_out_of_range', supCity, (q: Q) => record(q, '530900', null, 100.01)],
    ['score -1', 'assessment_score_out_of_range', supCity, (q: Q) => record(q, '530900', null, -1)],
    ['no score', 'assessment_score_out_of_range', supCity, (q: Q) => record(q, '530900', null, null)],
    ['a score that is not a number', '22P02', supCity, (q: Q) => record(q, '530900', null, 'high')],
    ['period backwards', 'review_period_invalid', supCity, (q: Q) => record(q, '530900', null, 80, { from: '2026-09-30', to: '2026-07-01' })],
    ['empty summary', 'comment_content_required', supCity, (q: Q) => record(q, '530900', null, 80, { summary: ' ' })],
    ['attachment with spaces', 'invalid_input', supCity, (q: Q) => record(q, '530900', null, 80, { ref: 'my report.pdf' })],
    ['neither region nor unit', 'invalid_input', supCity, (q: Q) => record(q, null, null, 80)],
    ['unknown unit', 'not_found', supCity, (q: Q) => record(q, null, '11111111-1111-4111-8111-111111111111', 80)],
    ['unit outside the region given', 'invalid_input', supCity, (q: Q) => record(q, '530921', LX(), 80)],
  ])('%s → %s', async (_name, code, actor, call) => {
    await scenario(async ({ act, refused }) => {
      const q = await act(actor);
      expect(await refused(() => call(q))).toBe(code);
    });
  });
});

describe('two people acting on one comment at once (committed, on separate connections)', () => {
  const ROUNDS = 20;
  const connectAs = async (actor: Actor) => {
    const c = await connect();
    await c.query(`select set_config('request.jwt.claims', $1, false)`, [JSON.stringify({ role: actor.role, sub: actor.sub })]);
    await c.query(`set role ${actor.role}`);
    return c;
  };
  const clients: Db[] = [];
  afterAll(async () => {
    // The races' comments stay: their history is append-only (R14), like every comment's.
    await Promise.all(clients.map((c) => c.end()));
  });

  /** A comment of citizen A routed to 临翔区市场监督管理局, committed. */
  const routedComment = async (round: number) => (await db.query(
    // Dated a week back, so these committed rows never count against citizen A's daily limit.
    `insert into app.comments (kind, source, content, author_user_id, region_code, unit_id, status, routed_at, created_at)
     values ('complaint', 'suggestion_box', 'RACE-' || $1, $2, '530902', $3, 'routed', now() - interval '7 days', now() - interval '7 days') returning id`,
    [round, PERSONA_IDS['citizen-a'], LX()])).rows[0].id as string;

  const outcome = (r: PromiseSettledResult<unknown>) =>
    r.status === 'fulfilled' ? 'ok' : codeOf(r.reason as { code?: string; message: string });

  test(`staff and unit admin answer together, ${ROUNDS} rounds: one answer stands, the other is comment_invalid_transition`, async () => {
    const [staff, admin] = [await connectAs(staffLX), await connectAs(adminLX)];
    clients.push(staff, admin);
    for (let round = 0; round < ROUNDS; round++) {
      const id = await routedComment(round);
      const results = await Promise.allSettled([
        staff.query('select * from public.reply_comment($1, $2)', [id, `staff ${round}`]),
        admin.query('select * from public.reply_comment($1, $2)', [id, `admin ${round}`]),
      ]);
      expect(results.map(outcome).sort()).toEqual(['comment_invalid_transition', 'ok']);
      const winner = results[0]!.status === 'fulfilled' ? `staff ${round}` : `admin ${round}`;
      const stored = (await db.query('select status, reply from app.comments where id = $1', [id])).rows[0];
      expect(stored).toEqual({ status: 'replied', reply: winner });
      const events = (await db.query(`select count(*)::int as n from app.comment_events where comment_id = $1 and event = 'replied'`, [id])).rows[0];
      expect(events.n).toBe(1);
    }
  });

  test(`a supervisor re-routes while the unit answers, ${ROUNDS} rounds: never an answer from a unit it has left`, async () => {
    const [staff, sup] = [await connectAs(staffLX), await connectAs(supCity)];
    clients.push(staff, sup);
    const seen = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const id = await routedComment(100 + round);
      const [replied, rerouted] = await Promise.allSettled([
        staff.query('select * from public.reply_comment($1, $2)', [id, `answer ${round}`]),
        sup.query('select * from public.route_comment($1, $2)', [id, LX_POLICE()]),
      ]);
      const stored = (await db.query('select status, unit_id, reply from app.comments where id = $1', [id])).rows[0];
      if (replied.status === 'fulfilled') {
        expect(outcome(rerouted)).toBe('comment_invalid_transition');
        expect(stored).toEqual({ status: 'replied', unit_id: LX(), reply: `answer ${round}` });
        seen.add('reply first');
      } else {
        expect(outcome(replied)).toBe('forbidden');
        expect(rerouted.status).toBe('fulfilled');
        expect(stored).toEqual({ status: 'routed', unit_id: LX_POLICE(), reply: null });
        seen.add('reroute first');
      }
    }
    console.log(`re-route vs reply over ${ROUNDS} rounds: ${[...seen].join(', ')}`);
  });
});
