/**
 * Issue 13 point 3 (R13: contacts left with comments are identity, encrypted at rest). A contact
 * typed into the 意见箱 is stored only as app.pii_encrypt(...); through PostgREST no caller —
 * anon, any persona, the service role — gets it in clear from any comment RPC or by reading the
 * table, except a supervisor of the comment's region through reveal_comment_contact, which is
 * audited and keeps its contract (contact, contact_masked). In SQL the stored column is not the
 * text, and no API role may run the decryption.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { CommentRow } from '../../../shared/comments.ts';
import { PERSONA_KEYS, type PersonaKey } from '../../../shared/personas.ts';
import { parseRows } from '../../../shared/schemas.ts';
import { client, login } from '../../../tests/support/api.ts';
import { connect, type Db } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';

type Who = PersonaKey | 'anon' | 'service_role';
const clients = new Map<Who, SupabaseClient>();
const as = (who: Who) => clients.get(who)!;
let db: Db;
let unitLX: string;

// A contact no seed row or other test uses: 139 + 8 digits of this run.
const CONTACT = `139${String(Date.now()).slice(-8)}`;
const MASKED = `139****${CONTACT.slice(-4)}`;

beforeAll(async () => {
  db = await connect();
  clients.set('anon', client());
  clients.set('service_role', client(stackEnv.serviceRoleKey));
  for (const key of PERSONA_KEYS) clients.set(key, client((await login(key)).access_token));
  unitLX = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
});
afterAll(() => db.end());

test('a contact is stored encrypted; nothing but an audited supervisor reveal returns it in clear', async () => {
  const submitted = await as('citizen-a').rpc('submit_comment', {
    p_kind: 'complaint', p_content: '联系方式加密测试：窗口叫号屏不显示。', p_unit_id: unitLX, p_contact: CONTACT,
  });
  expect(submitted.error).toBeNull();
  const [c] = parseRows(CommentRow, submitted.data);
  expect(c!.contact_masked).toBe(MASKED);
  expect(JSON.stringify(submitted.data)).not.toContain(CONTACT);

  // In SQL: no clear column, the stored bytes are not the text (nor its digits), and they decrypt to it.
  const cols = (await db.query(`select column_name from information_schema.columns where table_schema = 'app' and table_name = 'comments' and column_name like 'contact%' order by 1`)).rows;
  expect(cols.map((r) => r.column_name)).toEqual(['contact_enc', 'contact_masked']);
  const stored = (await db.query(`select contact_enc, position(convert_to($2, 'UTF8') in contact_enc) as at, app.pii_decrypt(contact_enc) as plain from app.comments where id = $1`, [c!.id, CONTACT.slice(3)])).rows[0];
  expect(stored.at).toBe(0);
  expect(stored.contact_enc.toString('latin1')).not.toContain(CONTACT);
  expect(stored.plain).toBe(CONTACT);
  // No API role may decrypt (the key and the function stay behind the definer RPCs).
  for (const role of ['anon', 'authenticated', 'service_role']) {
    const { rows } = await db.query(`select has_function_privilege($1, 'app.pii_decrypt(bytea)', 'execute') as can, has_column_privilege($1, 'app.comments', 'contact_enc', 'select') as col`, [role]);
    expect({ role, ...rows[0] }).toEqual({ role, can: false, col: role === 'service_role' });
  }

  // Every caller, every comment read path through PostgREST: never the clear contact.
  const seen: string[] = [];
  for (const who of ['anon', ...PERSONA_KEYS, 'service_role'] as const) {
    const calls: Array<PromiseLike<{ data: unknown; error: unknown }>> = [
      as(who).rpc('my_comments'),
      as(who).rpc('unit_comments', { p_status: null }),
      as(who).rpc('supervisor_comments', { p_status: null, p_region_code: null }),
      as(who).rpc('comment_history', { p_comment_id: c!.id }),
      as(who).schema('app').from('comments').select('*'),
      as(who).from('comments').select('*'),
    ];
    // Only a supervisor of the region may reveal; everyone else is refused.
    if (who !== 'supervisor-city') calls.push(as(who).rpc('reveal_comment_contact', { p_comment_id: c!.id }));
    for (const res of await Promise.all(calls)) seen.push(JSON.stringify(res));
  }
  const everything = seen.join('\n');
  expect(everything).not.toContain(CONTACT);
  // The masked form is what the author, the unit and supervisors see.
  expect(everything).toContain(MASKED);

  // A county supervisor of another region: refused, and nothing logged.
  const audits = async () => (await db.query(`select count(*)::int as n from app.audit_log where entity = 'comment_contact' and entity_id = $1`, [c!.id])).rows[0].n;
  expect(await audits()).toBe(0);
  const other = await as('supervisor-fengqing').rpc('reveal_comment_contact', { p_comment_id: c!.id });
  expect(other.error).toMatchObject({ code: 'forbidden' });

  // The supervisor's reveal: same contract, masked output kept, one audit row.
  const revealed = await as('supervisor-city').rpc('reveal_comment_contact', { p_comment_id: c!.id });
  expect(revealed.error).toBeNull();
  expect(revealed.data).toEqual([{ contact: CONTACT, contact_masked: MASKED }]);
  expect(await audits()).toBe(1);
  const audit = JSON.stringify((await db.query(`select * from app.audit_log where entity_id = $1`, [c!.id])).rows);
  expect(audit).not.toContain(CONTACT);
});

test('a supervisor records a hotline comment: the contact is encrypted the same way', async () => {
  const phone = `0883-${String(Date.now()).slice(-7)}`;
  const res = await as('supervisor-city').rpc('record_comment', {
    p_source: 'hotline', p_kind: 'suggestion', p_content: '来电建议：增加周末值班窗口。', p_region_code: '530902', p_unit_id: null, p_contact: phone, p_received_at: null,
  });
  expect(res.error).toBeNull();
  const [c] = parseRows(CommentRow, res.data);
  expect(JSON.stringify(res.data)).not.toContain(phone);
  const stored = (await db.query(`select position(convert_to($2, 'UTF8') in contact_enc) as at, app.pii_decrypt(contact_enc) as plain from app.comments where id = $1`, [c!.id, phone])).rows[0];
  expect(stored).toEqual({ at: 0, plain: phone });
  // Seeded contacts too (supabase/seed/40_comments.sql): encrypted, masks as before.
  const seeded = (await db.query(`select contact_masked, app.pii_decrypt(contact_enc) as plain from app.comments where id = md5('comment:1')::uuid`)).rows[0];
  expect(seeded).toEqual({ contact_masked: '139****1234', plain: '13987651234' });
});
