/** R7's two implementations agree: shared/tags.ts tagViolation() and SQL app.tag_violation(). */
import { TAGS, tagViolation } from '../../../shared/tags.ts';
import { connect, type Db } from '../../../tests/support/db.ts';
import { seededRandom as random } from '../../../tests/support/random.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });


test('the SQL table holds the same v2 tags as shared/', async () => {
  const { rows } = await db.query('select code, level, name from app.eval_tags where version = 2 order by code');
  expect(rows).toEqual([...TAGS].map((t) => ({ code: t.code, level: t.level, name: t.name })).sort((a, b) => a.code.localeCompare(b.code)));
});

test('tagViolation and app.tag_violation agree on 5,000 random choices', async () => {
  const next = random(729);
  const pool = [...TAGS.map((t) => t.code), '201', '999', 'x', ''];
  const levels: number[] = [];
  const choices: string[] = [];
  for (let i = 0; i < 5000; i++) {
    levels.push(1 + Math.floor(next() * 5));
    const n = Math.floor(next() * 10) === 0 ? 9 : Math.floor(next() * 4);
    const own = TAGS.filter((t) => t.level === levels[i]).map((t) => t.code);
    const tags = Array.from({ length: n }, () => (next() < 0.8 ? own[Math.floor(next() * own.length)]! : pool[Math.floor(next() * pool.length)]!));
    choices.push(JSON.stringify(tags));
  }
  const { rows } = await db.query<{ v: string | null }>(
    `select app.tag_violation(l, array(select jsonb_array_elements_text(c::jsonb))) as v
     from unnest($1::int[], $2::text[]) with ordinality as x (l, c, i) order by i`,
    [levels, choices],
  );
  const sql = rows.map((r) => r.v ?? undefined);
  const ts = levels.map((l, i) => tagViolation(l, JSON.parse(choices[i]!)));
  expect(sql).toEqual(ts);
  // The sample covers every outcome.
  expect(new Set(ts)).toEqual(new Set([undefined, 'tag_required', 'invalid_tag_for_level']));
});
