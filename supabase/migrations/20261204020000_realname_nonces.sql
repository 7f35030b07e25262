-- 实名认证 bound to the session that asked for it (R13, issue 13). Before, an identity ticket was
-- good for whoever posted it: someone holding another person's name, ID number and phone got a
-- ticket and posted it from a brand-new login, and bind_realname merged that login into the
-- person's row (a supervisor's, too). Now:
--   * the signed-in user first asks OUR backend for a nonce (public.realname_nonce); it is kept
--     here for that user, short-lived and single-use, and the app hands it to the identity
--     platform, which signs it into the ticket; bind_realname accepts a ticket only with a live,
--     unused nonce issued to the caller (20261204020100);
--   * only strong verification methods are believed: the list is a database setting
--     (app.realname_settings), so the database, not the function, decides;
--   * refused merges are audited under the new audit entity 'identity'.

create table app.realname_settings (
  id boolean primary key default true check (id),
  strong_verify_methods text[] not null default array['face', 'banshitong']
    check (cardinality(strong_verify_methods) between 1 and 20 and array_position(strong_verify_methods, null) is null),
  nonce_ttl_seconds int not null default 900 check (nonce_ttl_seconds between 60 and 3600)
);
comment on table app.realname_settings is 'R13 实名认证 settings (one row), changed by the operator in SQL. strong_verify_methods: the identity platform''s verify_method values a ticket must carry to be believed (face = 人脸识别 against the 公安 photo; banshitong = identity already verified in 一部手机办事通); any other method (e.g. sms, id_phone 三要素核验) is refused with realname_method_weak. nonce_ttl_seconds: how long a nonce from realname_nonce() stays usable (the face check happens in between).';
insert into app.realname_settings default values;
alter table app.realname_settings enable row level security;
create policy realname_settings_select on app.realname_settings for select to service_role using (true);
revoke all on app.realname_settings from public, anon, authenticated, service_role;

create table app.realname_nonces (
  nonce text primary key check (nonce ~ '^[0-9a-f]{32}$'),
  user_id uuid not null references app.users (id),
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  check (expires_at > issued_at)
);
comment on table app.realname_nonces is 'Nonces issued by realname_nonce() to a signed-in user for one 实名认证: the identity platform signs it into the ticket and bind_realname accepts the ticket only from that user, before expires_at, once (used_at). A user holds at most one unused nonce (a new one replaces it). No API role has a grant.';
comment on column app.realname_nonces.used_at is 'When a ticket carrying this nonce was bound; kept until expiry so a second ticket with it is refused as used.';
create index realname_nonces_user_id_idx on app.realname_nonces (user_id);
create index realname_nonces_expires_at_idx on app.realname_nonces (expires_at);
alter table app.realname_nonces enable row level security;
create policy realname_nonces_select on app.realname_nonces for select to service_role using (true);
revoke all on app.realname_nonces from public, anon, authenticated, service_role;

create function public.realname_nonce()
returns table (nonce text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_ttl int := (select s.nonce_ttl_seconds from app.realname_settings s where s.id);
  v_nonce text := encode(extensions.gen_random_bytes(16), 'hex');
  v_now timestamptz := now();
begin
  if v_uid is null or not exists (select 1 from app.users u where u.id = v_uid and u.merged_into is null) then
    perform app.raise_error('unauthorized');
  end if;
  -- One unused nonce per user: asking again replaces it, so the table cannot be filled by one
  -- account; the user's expired ones go at the same time (used ones stay until they expire).
  delete from app.realname_nonces n
  where n.user_id = v_uid and (n.used_at is null or n.expires_at <= v_now);
  insert into app.realname_nonces (nonce, user_id, issued_at, expires_at)
  values (v_nonce, v_uid, v_now, v_now + make_interval(secs => coalesce(v_ttl, 900)));
  return query select v_nonce, v_now + make_interval(secs => coalesce(v_ttl, 900));
end;
$$;
comment on function public.realname_nonce() is
  '实名认证 step 1 (R13): a fresh single-use nonce for the signed-in user, to pass to the identity platform''s /api/v1/realname/verify; realname-bind accepts the resulting ticket only from this user, before expires_at, once. Replaces the user''s previous unused nonce.';
revoke execute on function public.realname_nonce() from public, anon;
grant execute on function public.realname_nonce() to authenticated;

-- Audit entity 'identity': a refused 实名 merge and a done one (entity_id = the account that
-- asked). The constraint is rebuilt from its current definition, so entities other migrations
-- added (in whatever order they run) are kept.
do $$
declare
  v_def text;
begin
  select pg_get_constraintdef(c.oid) into v_def
  from pg_constraint c
  where c.conrelid = 'app.audit_log'::regclass and c.conname = 'audit_log_entity_check';
  if v_def is null or v_def not like '%ARRAY[%' then
    raise exception 'audit_log_entity_check has an unexpected shape: %', v_def;
  end if;
  if v_def not like '%''identity''::text%' then
    alter table app.audit_log drop constraint audit_log_entity_check;
    execute 'alter table app.audit_log add constraint audit_log_entity_check '
      || replace(v_def, 'ARRAY[', 'ARRAY[''identity''::text, ');
  end if;
end;
$$;
