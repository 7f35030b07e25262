/**
 * R14: creating and revoking an ingestion key, and re-pushing a provincial message, are written
 * to the append-only audit log with who did it (and never a key's secret); the delivery path's
 * own updates write nothing there.
 */
import { as, connect, type Db, PERSONA_IDS, rolledBack, user } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(async () => {
  await db.end();
});

const supervisorCity = user(PERSONA_IDS['supervisor-city']);

const auditOf = async (q: Db['query'], entityId: string) =>
  (await q(`select entity, action, state_from, state_to, actor_user_id, region_code, detail from app.audit_log where entity_id = $1 order by id`, [entityId])).rows;

test('a business system key: created and revoked, each once in the audit log, with the supervisor and without the secret', async () => {
  await as(db, supervisorCity, async (q) => {
    const { rows: [key] } = await q(`select * from public.create_business_system('审计测试业务系统', '530902')`);
    await q(`select * from public.revoke_ingest_key($1)`, [key.key_id]);
    await q(`select * from public.revoke_ingest_key($1)`, [key.key_id]); // repeating it changes nothing
    await q('reset role');
    const rows = await auditOf(q, key.id);
    const detail = { key_id: key.key_id, kind: 'business_system', name: '审计测试业务系统' };
    expect(rows).toEqual([
      { entity: 'ingest_key', action: 'key_created', state_from: null, state_to: 'active', actor_user_id: PERSONA_IDS['supervisor-city'], region_code: '530902', detail },
      { entity: 'ingest_key', action: 'key_revoked', state_from: 'active', state_to: 'revoked', actor_user_id: PERSONA_IDS['supervisor-city'], region_code: '530902', detail },
    ]);
    expect(JSON.stringify(rows)).not.toContain(key.secret);
  });
});

test('a rating device (the hotline of a county) is audited with its kind', async () => {
  await as(db, supervisorCity, async (q) => {
    const { rows: [dev] } = await q(`select * from public.create_rating_device('phone', '审计测试热线', null, '530921')`);
    await q('reset role');
    const rows = await auditOf(q, dev.id);
    expect(rows).toEqual([expect.objectContaining({ action: 'key_created', region_code: '530921', detail: { key_id: dev.key_id, kind: 'phone', name: '审计测试热线' } })]);
  });
});

test('a re-push is audited against the rating; claiming and delivering are not', async () => {
  await rolledBack(db, async (q) => {
    const { rows: [m] } = await q(
      `update app.upstream_outbox set status = 'dead', attempts = 8, dead_at = now(), last_error = 'HTTP 503', payload = '{}'
       where id = (select min(id) from app.upstream_outbox where region_code = '530902' and status = 'pending') returning id::int, rating_id`);
    const before = (await auditOf(q, m.rating_id)).filter((r) => r.entity === 'upstream');
    expect(before).toEqual([]);
    await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS['supervisor-city'] })]);
    await q('set local role authenticated');
    await q('select * from public.repush_upstream($1)', [m.id]);
    await q('reset role');
    await q(`update app.upstream_outbox set status = 'delivered', delivered_at = now() where id = $1`, [m.id]);
    const rows = (await auditOf(q, m.rating_id)).filter((r) => r.entity === 'upstream');
    expect(rows).toEqual([{
      entity: 'upstream', action: 'repushed', state_from: 'dead', state_to: 'pending', actor_user_id: PERSONA_IDS['supervisor-city'],
      region_code: '530902', detail: { outbox_id: m.id, repush_count: 1, last_error: 'HTTP 503' },
    }]);
  });
});
