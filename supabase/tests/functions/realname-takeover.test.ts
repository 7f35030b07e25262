/**
 * Account takeover through 实名认证 (issue 13), tried as an attacker would: a brand-new WeChat
 * login (auth-wechat with a new code) that knows another person's name, ID number and phone
 * gets a ticket from the identity platform and posts it to realname-bind. Before the fix the
 * database merged the login into that person's row and handed back its session (the city
 * supervisor's included). Now a ticket binds only with a nonce this very session got from
 * realname_nonce(), once, for a strong verification method, and never into a row that holds a
 * role or has its own platform login; a refused merge writes only its audit row. A person known
 * only from a business system's 办件 (no login) is still joined, with their 办件.
 */
import { RealnameBindResponse } from '../../../shared/identity.ts';
import { handler as transactions } from '../../functions/transactions/handler.ts';
import { assertEquals } from './assert.ts';
import { assertRefusal, sql, whoami } from './identity-support.ts';
import { connectDb, demoSystem, newProjectNo, results, seededIds, signed } from './ingest_support.ts';
import {
  bind, identityChecksum, identityCounts, newIdNumber, nonceFor, rest, ticketAs, verifiedTicket, wechatUser,
} from './realname-support.ts';

const SUPERVISOR_CITY = '00000000-0000-4000-8000-000000000c01'; // supabase/seed.sql

async function supervisorIdentity(): Promise<{ name: string; id_number: string; phone: string }> {
  const [row] = await sql<{ name: string; id_number: string; phone: string }>('select name, id_number, phone from app.user_identity_plain($1)', [SUPERVISOR_CITY]);
  return row!;
}

/** Expects a refusal that wrote nothing about the caller or `others` and no row anywhere. */
async function refusedCleanly(token: string, ticket: string, status: number, code: string, users: string[]) {
  const before = await identityChecksum(users);
  const counts = await identityCounts();
  assertRefusal(await bind(token, ticket), status, code);
  assertEquals(await identityChecksum(users), before);
  assertEquals(await identityCounts(), counts);
}

Deno.test('(a) the supervisor’s identity from a fresh login: 403 realname_merge_refused, audited, nothing else written', async () => {
  const attacker = await wechatUser();
  const supervisor = await supervisorIdentity();
  const users = [attacker.user.id, SUPERVISOR_CITY];
  // The attack as it worked before: a ticket with no nonce of ours.
  await refusedCleanly(attacker.access_token, await ticketAs(supervisor), 400, 'realname_nonce_missing', users);

  // With the attacker's own nonce and a face-verified ticket, the row is still never handed over.
  const ticket = await verifiedTicket(supervisor, attacker.access_token);
  const before = await identityChecksum(users);
  const counts = await identityCounts();
  const res = await bind(attacker.access_token, ticket);
  assertRefusal(res, 403, 'realname_merge_refused');
  assertEquals(res.body.session, undefined);
  assertEquals(await identityChecksum(users), before);
  assertEquals(await identityCounts(), { ...counts, audit: counts.audit + 1 });
  assertEquals(
    await sql(`select entity, action, region_code, actor_role, detail from app.audit_log where entity = 'identity' and entity_id = $1`, [attacker.user.id]),
    [{
      entity: 'identity', action: 'realname_merge_refused', region_code: '530900', actor_role: 'service_role',
      detail: {
        caller_user_id: attacker.user.id, target_user_id: SUPERVISOR_CITY, reasons: ['staff_role', 'platform_link'],
        ticket_id: JSON.parse(atob(ticket.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).jti, verify_method: 'face',
      },
    }],
  );
  // The attacker is still a citizen of their own, unverified row; the supervisor is untouched.
  const who = await whoami(attacker.access_token);
  assertEquals(who.rows.map((r) => [r.user_id, r.role, r.realname_verified ?? false]), [[attacker.user.id, null, false]]);
  assertEquals(await sql('select merged_into from app.users where id = $1', [attacker.user.id]), [{ merged_into: null }]);
  assertEquals(
    await sql(`select role, scope_region_code from app.staff_roles where user_id = $1`, [SUPERVISOR_CITY]),
    [{ role: 'supervisor', scope_region_code: '530900' }],
  );
});

Deno.test('(b) a ticket carrying another session’s nonce → 403 realname_nonce_invalid, nothing written', async () => {
  const victim = await wechatUser();
  const attacker = await wechatUser();
  const theirs = await nonceFor(victim.access_token);
  const ticket = await ticketAs({ name: '冯二', id_number: newIdNumber(), nonce: theirs });
  await refusedCleanly(attacker.access_token, ticket, 403, 'realname_nonce_invalid', [victim.user.id, attacker.user.id]);
  // A nonce nobody issued is the same refusal.
  await refusedCleanly(attacker.access_token, await ticketAs({ name: '冯二', id_number: newIdNumber(), nonce: 'f'.repeat(32) }), 403, 'realname_nonce_invalid', [attacker.user.id]);
  // The victim's nonce still works for the victim.
  assertEquals((await bind(victim.access_token, await ticketAs({ name: '冯二', id_number: newIdNumber(), nonce: theirs }))).status, 200);
});

Deno.test('(c) a nonce works once: a second ticket with it → 409 realname_nonce_used; an expired one → 400', async () => {
  const me = await wechatUser();
  const id = newIdNumber();
  const nonce = await nonceFor(me.access_token);
  assertEquals((await bind(me.access_token, await ticketAs({ name: '陈三', id_number: id, nonce }))).status, 200);
  await refusedCleanly(me.access_token, await ticketAs({ name: '陈三', id_number: id, phone: '13700000003', nonce }), 409, 'realname_nonce_used', [me.user.id]);

  const other = await wechatUser();
  const late = await nonceFor(other.access_token);
  await sql(`update app.realname_nonces set issued_at = now() - interval '1 hour', expires_at = now() - interval '1 second' where nonce = $1`, [late]);
  await refusedCleanly(other.access_token, await ticketAs({ name: '陈四', id_number: newIdNumber(), nonce: late }), 400, 'realname_nonce_expired', [other.user.id]);
  // Asking again gives a fresh nonce that binds.
  assertEquals((await bind(other.access_token, await verifiedTicket({ name: '陈四', id_number: newIdNumber() }, other.access_token))).status, 200);
});

Deno.test('(d) a weak verification method, or none → 403 realname_method_weak, nothing written', async () => {
  const me = await wechatUser();
  for (const verify_method of ['sms', 'id_phone', 'Face', null]) {
    const ticket = await ticketAs({ name: '褚五', id_number: newIdNumber(), nonce: await nonceFor(me.access_token), verify_method });
    await refusedCleanly(me.access_token, ticket, 403, 'realname_method_weak', [me.user.id]);
  }
  const strong = await ticketAs({ name: '褚五', id_number: newIdNumber(), nonce: await nonceFor(me.access_token), verify_method: 'banshitong' });
  assertEquals((await bind(me.access_token, strong)).status, 200);
});

Deno.test('realname_nonce() needs a signed-in user; the anon key is refused', async () => {
  const { status } = await rest('realname_nonce', Deno.env.get('ANON_KEY')!);
  assertEquals(status >= 400 && status < 500, true);
});

Deno.test('(e) a person known only from a business system’s 办件 (no login, no role) is joined: session, 办件 and later logins', async () => {
  // The person as a business system made them known: a row with their identity and a finished 办件, nobody logs into it.
  const id = newIdNumber();
  const [person] = await sql<{ id: string }>(`insert into app.users (masked_name) values ('') returning id::text`);
  await sql(`select app.store_identity($1, '蒋六', $2, '13600000006', 'business_system')`, [person!.id, id]);
  const db = await connectDb();
  const projectNo = newProjectNo('realname');
  try {
    const linxiang = await seededIds(db, '530902');
    const finishedAt = new Date(Date.now() - 3600_000).toISOString();
    const [pushed] = await results(await transactions(await signed('transactions', demoSystem('530902'), {
      items: [{
        project_no: projectNo, matter_code: linxiang.matterCode, status: 'finished', channel: 'hall_pad',
        accepted_at: new Date(Date.now() - 5 * 3600_000).toISOString(), occurred_at: finishedAt,
        window_id: linxiang.windowId, staff_id: linxiang.staffId, applicant_id_number: id,
      }],
    })));
    assertEquals(pushed!.status, 'created');
  } finally {
    await db.end();
  }
  assertEquals(await sql('select applicant_user_id::text from app.transactions where project_no = $1', [projectNo]), [{ applicant_user_id: person!.id }]);

  const me = await wechatUser();
  const res = await bind(me.access_token, await verifiedTicket({ name: '蒋六', id_number: id, phone: '13600000006' }, me.access_token));
  assertEquals(res.status, 200);
  const body = RealnameBindResponse.parse(res.body);
  assertEquals([body.merged, body.user.id, body.session?.user.id], [true, person!.id, person!.id]);
  // The joined session sees the person's 办件; the WeChat account now logs in as the person.
  const pending = await rest('my_pending_ratings', body.session!.access_token);
  assertEquals((pending.body as Array<{ project_no: string }>).map((r) => r.project_no).includes(projectNo), true);
  assertEquals((await wechatUser(me.openid)).user.id, person!.id);
  assertEquals(await sql('select merged_into::text from app.users where id = $1', [me.user.id]), [{ merged_into: person!.id }]);
  assertEquals(
    await sql(`select action, detail ->> 'target_user_id' as target from app.audit_log where entity = 'identity' and entity_id = $1`, [me.user.id]),
    [{ action: 'realname_merged', target: person!.id }],
  );
  // Once joined, the row has a login of its own: another fresh account with the same identity is refused.
  const second = await wechatUser();
  assertRefusal(await bind(second.access_token, await verifiedTicket({ name: '蒋六', id_number: id }, second.access_token)), 403, 'realname_merge_refused');
});
