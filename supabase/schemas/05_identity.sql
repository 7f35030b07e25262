-- Identity: platform logins (WeChat, Alipay, H5), refresh tokens, real-name binding with the
-- identity platform's nonce, the encrypted identity fields (PII key in Vault, blind indexes,
-- masks) and the purge of spent tokens and nonces. The demo personas of auth-dev live here too.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.dev_personas (
  key     text not null,
  user_id uuid not null,
  label   text not null,
  constraint dev_personas_key_check check ((key ~ '^[a-z]+(-[a-z]+)*$'::text)),
  constraint dev_personas_pkey primary key (key),
  constraint dev_personas_user_id_key unique (user_id)
);
alter table app.dev_personas
  enable row level security;
alter table app.dev_personas
  add constraint dev_personas_user_id_fkey foreign key (user_id) references app.users(id);
comment on table app.dev_personas is 'Seeded demo users that auth-dev may log in as (local and test stacks only).';
grant select on table app.dev_personas to service_role;

create or replace function public.dev_personas()
  returns table (
    key     text,
    label   text,
    user_id uuid
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select key, label, user_id from app.dev_personas order by key;
$function$;
comment on function public.dev_personas() is 'Demo personas for auth-dev (service role only).';
revoke all on function public.dev_personas() from public;
grant execute on function public.dev_personas() to service_role;

create or replace function app.pii_master_key()
  returns text
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_key text;
begin
  select s.decrypted_secret into v_key from vault.decrypted_secrets s where s.name = 'hcp_pii_key' limit 1;
  if v_key is null or length(v_key) < 32 then
    raise exception 'PII key is not configured: the Vault secret hcp_pii_key is missing or shorter than 32 characters'
      using errcode = '55000';
  end if;
  return v_key;
end;
$function$;
comment on function app.pii_master_key() is 'Master secret of the identity encryption: the Vault secret hcp_pii_key. Never exposed.';
revoke all on function app.pii_master_key() from public;

create or replace function app.pii_key (
  p_purpose text
)
  returns text
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select encode(extensions.hmac(convert_to('hcp-pii:' || p_purpose, 'UTF8'), convert_to(app.pii_master_key(), 'UTF8'), 'sha256'), 'hex');
$function$;
comment on function app.pii_key(text) is 'Derived working key (HMAC of the master secret by purpose). Never exposed.';
revoke all on function app.pii_key(text) from public;

create or replace function app.pii_encrypt (
  p_value text
)
  returns bytea
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select case when p_value is null then null
    else extensions.pgp_sym_encrypt(p_value, app.pii_key('encrypt'), 'cipher-algo=aes256, compress-algo=0, s2k-mode=1') end;
$function$;
comment on function app.pii_encrypt(text) is 'pgp_sym_encrypt (AES-256, salted S2K) with the derived encryption key; null stays null.';
revoke all on function app.pii_encrypt(text) from public;

create or replace function app.pii_decrypt (
  p_value bytea
)
  returns text
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select case when p_value is null then null else extensions.pgp_sym_decrypt(p_value, app.pii_key('encrypt')) end;
$function$;
comment on function app.pii_decrypt(bytea) is 'Inverse of app.pii_encrypt. Executable by no API role.';
revoke all on function app.pii_decrypt(bytea) from public;

create or replace function app.pii_normalize (
  p_kind  text,
  p_value text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case p_kind
    when 'id_number' then upper(regexp_replace(p_value, '\s', '', 'g'))
    when 'phone' then regexp_replace(regexp_replace(p_value, '\D', '', 'g'), '^86(1\d{10})$', '\1')
    else null end;
$function$;
comment on function app.pii_normalize(text, text) is 'Canonical form of an ID number or phone before indexing.';
revoke all on function app.pii_normalize(text, text) from public;

create or replace function app.pii_blind_index (
  p_kind  text,
  p_value text
)
  returns bytea
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select case when nullif(p_value, '') is null then null
    else extensions.hmac(convert_to(p_kind || ':' || app.pii_normalize(p_kind, p_value), 'UTF8'), convert_to(app.pii_key('blind-index'), 'UTF8'), 'sha256') end;
$function$;
comment on function app.pii_blind_index(text, text) is 'Keyed HMAC-SHA256 of the normalized value, prefixed by its kind: equal values match, nothing else can be learned.';
revoke all on function app.pii_blind_index(text, text) from public;

create or replace function app.mask_name (
  p_name text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case
    when t is null or t = '' then ''
    when char_length(t) = 1 then '*'
    when char_length(t) = 2 then left(t, 1) || '*'
    else left(t, 1) || repeat('*', char_length(t) - 2) || right(t, 1) end
  from (select app.trim_ws(p_name) as t) n;
$function$;
comment on function app.mask_name(text) is 'Masked display name: first character, stars, and the last character from three characters on (trimmed as shared/ maskName trims).';
revoke all on function app.mask_name(text) from public;

create or replace function app.mask_phone (
  p_phone text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case
    when p_phone is null or app.pii_normalize('phone', p_phone) !~ '^\d{7,}$' then ''
    else left(app.pii_normalize('phone', p_phone), 3) || '****' || right(app.pii_normalize('phone', p_phone), 4) end;
$function$;
comment on function app.mask_phone(text) is 'Masked phone: first 3 and last 4 digits (138****5678); empty when there is none.';
revoke all on function app.mask_phone(text) from public;

create table app.user_identities (
  user_id        uuid                     not null,
  name_enc       bytea                    not null,
  id_number_enc  bytea                    not null,
  phone_enc      bytea,
  id_number_bidx bytea                    not null,
  phone_bidx     bytea,
  source         text                     not null,
  updated_at     timestamp with time zone not null default now(),
  constraint user_identities_id_number_bidx_key unique (id_number_bidx),
  constraint user_identities_pkey primary key (user_id),
  constraint user_identities_source_check check ((source = any (array['provincial_idp'::text, 'business_system'::text])))
);
alter table app.user_identities
  enable row level security;
alter table app.user_identities
  add constraint user_identities_user_id_fkey foreign key (user_id) references app.users(id) on delete cascade;
create index user_identities_phone_bidx_idx on app.user_identities using btree (phone_bidx);
comment on table app.user_identities is 'Encrypted identity of a person (R13). No API role has any grant; only definer functions read or write it.';
comment on column app.user_identities.id_number_bidx is 'Blind index of the ID number (app.pii_blind_index): one row per person.';
comment on column app.user_identities.id_number_enc is '居民身份证号码, app.pii_encrypt.';
comment on column app.user_identities.name_enc is 'Real name, app.pii_encrypt.';
comment on column app.user_identities.phone_bidx is 'Blind index of the phone, for matching.';
comment on column app.user_identities.phone_enc is 'Mobile number, app.pii_encrypt; null when the identity platform gave none.';
comment on column app.user_identities.source is 'provincial_idp: verified by the provincial identity platform (实名); business_system: given by a business system for a 办件 applicant.';

create or replace function app.store_identity (
  p_user_id   uuid,
  p_name      text,
  p_id_number text,
  p_phone     text,
  p_source    text,
  p_now       timestamp with time zone default now()
)
  returns void
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  insert into app.user_identities as i (user_id, name_enc, id_number_enc, phone_enc, id_number_bidx, phone_bidx, source, updated_at)
  values (p_user_id, app.pii_encrypt(btrim(p_name)), app.pii_encrypt(app.pii_normalize('id_number', p_id_number)),
          app.pii_encrypt(app.pii_normalize('phone', nullif(p_phone, ''))),
          app.pii_blind_index('id_number', p_id_number), app.pii_blind_index('phone', p_phone), p_source, p_now)
  on conflict (user_id) do update set
    name_enc = excluded.name_enc, id_number_enc = excluded.id_number_enc, phone_enc = excluded.phone_enc,
    id_number_bidx = excluded.id_number_bidx, phone_bidx = excluded.phone_bidx,
    source = case when i.source = 'provincial_idp' then i.source else excluded.source end,
    updated_at = excluded.updated_at;
  update app.users set masked_name = app.mask_name(p_name), masked_phone = app.mask_phone(p_phone) where id = p_user_id;
end;
$function$;
comment on function app.store_identity(uuid, text, text, text, text, timestamp with time zone) is 'Encrypts and stores a person''s identity, with blind indexes and masked display values. Executable by no API role.';
revoke all on function app.store_identity(uuid, text, text, text, text, timestamp with time zone) from public;

create or replace function app.user_id_by_id_number (
  p_id_number text
)
  returns uuid
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select coalesce(u.merged_into, u.id)
  from app.user_identities i join app.users u on u.id = i.user_id
  where i.id_number_bidx = app.pii_blind_index('id_number', p_id_number);
$function$;
comment on function app.user_id_by_id_number(text) is 'Blind-index lookup of a person by ID number. Executable by no API role.';
revoke all on function app.user_id_by_id_number(text) from public;

create or replace function app.user_identity_plain (
  p_user_id uuid
)
  returns table (
    name      text,
    id_number text,
    phone     text
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select app.pii_decrypt(name_enc), app.pii_decrypt(id_number_enc), app.pii_decrypt(phone_enc)
  from app.user_identities where user_id = p_user_id;
$function$;
comment on function app.user_identity_plain(uuid) is 'Decrypts one person''s identity. Executable by no API role; not reachable through PostgREST.';
revoke all on function app.user_identity_plain(uuid) from public;

create or replace function app.user_masked_contact (
  p_user_id uuid
)
  returns table (
    masked_name  text,
    masked_phone text
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select s.masked_name, s.masked_phone
  from app.users u join app.users s on s.id = coalesce(u.merged_into, u.id)
  where u.id = p_user_id;
$function$;
comment on function app.user_masked_contact(uuid) is 'Masked name and phone of a user (following a merge), e.g. 张* / 138****5678. Executable by no API role.';
revoke all on function app.user_masked_contact(uuid) from public;

create table app.refresh_tokens (
  id            uuid                     not null default gen_random_uuid(),
  family_id     uuid                     not null,
  user_id       uuid                     not null,
  token_hash    bytea                    not null,
  issued_at     timestamp with time zone not null,
  expires_at    timestamp with time zone not null,
  used_at       timestamp with time zone,
  revoked_at    timestamp with time zone,
  revoke_reason text,
  constraint refresh_tokens_check check ((expires_at > issued_at)),
  constraint refresh_tokens_pkey primary key (id),
  constraint refresh_tokens_revoke_reason_check check ((revoke_reason = any (array['reuse'::text, 'merged'::text, 'logout'::text]))),
  constraint refresh_tokens_token_hash_key unique (token_hash)
);
alter table app.refresh_tokens
  enable row level security;
alter table app.refresh_tokens
  add constraint refresh_tokens_user_id_fkey foreign key (user_id) references app.users(id) on delete cascade;
create index refresh_tokens_family_id_idx on app.refresh_tokens using btree (family_id);
create index refresh_tokens_user_id_idx on app.refresh_tokens using btree (user_id);
comment on table app.refresh_tokens is 'Refresh tokens by SHA-256 hash; single use, rotated, family revoked on reuse. No API role has a grant.';
comment on column app.refresh_tokens.family_id is 'All tokens rotated from one login share it; reuse of any revokes them all.';
comment on column app.refresh_tokens.revoke_reason is 'reuse: a spent token was presented again; merged: the account was merged into the same person''s row; logout.';
comment on column app.refresh_tokens.used_at is 'When it was traded for its successor (it is then spent).';

create or replace function app.issue_refresh_token (
  p_user_id   uuid,
  p_family_id uuid                     default null::uuid,
  p_now       timestamp with time zone default now()
)
  returns table (
    refresh_token      text,
    refresh_expires_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_token text := 'hcp_rt_' || translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/=', '-_');
  v_expires timestamptz := p_now + interval '30 days';
begin
  insert into app.refresh_tokens (family_id, user_id, token_hash, issued_at, expires_at)
  values (coalesce(p_family_id, gen_random_uuid()), p_user_id, extensions.digest(v_token, 'sha256'), p_now, v_expires);
  return query select v_token, v_expires;
end;
$function$;
comment on function app.issue_refresh_token(uuid, uuid, timestamp with time zone) is 'Issues a refresh token (hcp_rt_ + 43 base64url chars), valid 30 days; only its hash is kept. Executable by no API role.';
revoke all on function app.issue_refresh_token(uuid, uuid, timestamp with time zone) from public;

create or replace function public.rotate_refresh_token (
  p_refresh_token text,
  p_now           timestamp with time zone default now()
)
  returns table (
    status             text,
    user_id            uuid,
    masked_name        text,
    realname_verified  boolean,
    refresh_token      text,
    refresh_expires_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_row app.refresh_tokens;
  v_user app.users;
begin
  select * into v_row from app.refresh_tokens t
  where t.token_hash = extensions.digest(coalesce(p_refresh_token, ''), 'sha256')
  for update;
  if not found or v_row.revoked_at is not null then
    return query select 'invalid'::text, null::uuid, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  if v_row.used_at is not null then
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'reuse'
    where t.family_id = v_row.family_id and t.revoked_at is null;
    return query select 'reused'::text, v_row.user_id, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  if v_row.expires_at <= p_now then
    return query select 'expired'::text, v_row.user_id, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  select * into v_user from app.users u where u.id = v_row.user_id;
  if v_user.merged_into is not null then
    return query select 'invalid'::text, null::uuid, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  update app.refresh_tokens t set used_at = p_now where t.id = v_row.id;
  return query
    select 'ok'::text, v_user.id, v_user.masked_name, v_user.realname_verified_at is not null, n.refresh_token, n.refresh_expires_at
    from app.issue_refresh_token(v_user.id, v_row.family_id, p_now) n;
end;
$function$;
comment on function public.rotate_refresh_token(text, timestamp with time zone) is 'auth-refresh: single-use rotation of a refresh token; status ok | invalid | expired | reused (reuse revokes the family). Service role only.';
revoke all on function public.rotate_refresh_token(text, timestamp with time zone) from public;
grant execute on function public.rotate_refresh_token(text, timestamp with time zone) to service_role;

create or replace function public.revoke_refresh_token (
  p_refresh_token text,
  p_now           timestamp with time zone default now()
)
  returns boolean
  language sql
  security definer
  set search_path to ''
  as $function$
  with target as (
    select family_id from app.refresh_tokens where token_hash = extensions.digest(coalesce(p_refresh_token, ''), 'sha256')
  ), revoked as (
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'logout'
    from target where t.family_id = target.family_id and t.revoked_at is null
    returning t.id
  )
  select exists (select 1 from target);
$function$;
comment on function public.revoke_refresh_token(text, timestamp with time zone) is 'Logout: revokes every token of the given token''s family. Service role only.';
revoke all on function public.revoke_refresh_token(text, timestamp with time zone) from public;
grant execute on function public.revoke_refresh_token(text, timestamp with time zone) to service_role;

create table app.user_platform_links (
  id            uuid                     not null default gen_random_uuid(),
  user_id       uuid                     not null,
  platform      text                     not null,
  app_id        text                     not null,
  subject       text                     not null,
  unionid       text,
  created_at    timestamp with time zone not null default now(),
  last_login_at timestamp with time zone not null default now(),
  constraint user_platform_links_app_id_check check ((app_id <> ''::text)),
  constraint user_platform_links_pkey primary key (id),
  constraint user_platform_links_platform_app_id_subject_key unique (platform, app_id, subject),
  constraint user_platform_links_platform_check check ((platform = any (array['wechat'::text, 'alipay'::text]))),
  constraint user_platform_links_subject_check check ((subject <> ''::text))
);
alter table app.user_platform_links
  enable row level security;
alter table app.user_platform_links
  add constraint user_platform_links_user_id_fkey foreign key (user_id) references app.users(id);
create index user_platform_links_unionid_idx on app.user_platform_links using btree (unionid)
  where (unionid is not null);
create index user_platform_links_user_id_idx on app.user_platform_links using btree (user_id);
comment on table app.user_platform_links is 'Platform accounts of a person: WeChat openid (+ unionid), Alipay user_id / open_id. No API role has a grant.';
comment on column app.user_platform_links.app_id is 'The mini-program''s appid (WeChat) or app_id (Alipay) the subject belongs to.';
comment on column app.user_platform_links.subject is 'WeChat openid; Alipay open_id, or user_id (2088…) for apps that still receive it.';
comment on column app.user_platform_links.unionid is 'WeChat unionid when the platform gave one (kept, never cleared by a later login without it).';

create or replace function public.platform_login (
  p_platform text,
  p_app_id   text,
  p_subject  text,
  p_unionid  text                     default null::text,
  p_now      timestamp with time zone default now()
)
  returns table (
    user_id            uuid,
    masked_name        text,
    realname_verified  boolean,
    refresh_token      text,
    refresh_expires_at timestamp with time zone,
    is_new             boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_link app.user_platform_links;
  v_user_id uuid;
  v_new boolean := false;
  v_unionid text := nullif(btrim(p_unionid), '');
  v_user app.users;
begin
  if p_platform is null or p_platform not in ('wechat', 'alipay') then
    perform app.raise_error('invalid_input', 'p_platform');
  end if;
  -- The caller's own app id (WeChat wx + 16 hex, Alipay 16 digits, or a local stand-in's):
  -- a short token, never free text.
  if p_app_id is null or p_app_id !~ '^[A-Za-z0-9_-]{1,64}$' then
    perform app.raise_error('invalid_input', 'p_app_id');
  end if;
  -- WeChat's unionid is 28 characters; anything far longer is not one.
  if length(p_unionid) > 128 then
    perform app.raise_error('invalid_input', 'p_unionid');
  end if;
  if nullif(btrim(p_subject), '') is null or length(p_subject) > 128 then
    perform app.raise_error('invalid_input', 'p_subject');
  end if;
  -- Two first logins of one account at once must not create two people.
  perform pg_advisory_xact_lock(hashtext('platform_login:' || p_platform || ':' || p_app_id || ':' || p_subject));

  select * into v_link from app.user_platform_links l
  where l.platform = p_platform and l.app_id = p_app_id and l.subject = p_subject;
  if found then
    v_user_id := v_link.user_id;
    update app.user_platform_links l
    set last_login_at = p_now, unionid = coalesce(v_unionid, l.unionid)
    where l.id = v_link.id;
  else
    if p_platform = 'wechat' and v_unionid is not null then
      select l.user_id into v_user_id from app.user_platform_links l
      where l.platform = 'wechat' and l.unionid = v_unionid
      order by l.created_at limit 1;
    end if;
    if v_user_id is null then
      insert into app.users (masked_name)
      values (case p_platform when 'wechat' then '微信用户' else '支付宝用户' end)
      returning id into v_user_id;
      v_new := true;
    end if;
    insert into app.user_platform_links (user_id, platform, app_id, subject, unionid, created_at, last_login_at)
    values (v_user_id, p_platform, p_app_id, p_subject, v_unionid, p_now, p_now);
  end if;

  select * into v_user from app.users u where u.id = v_user_id;
  if v_user.merged_into is not null then
    -- Links move on a merge; one left behind still reaches the person.
    select * into v_user from app.users u where u.id = v_user.merged_into;
  end if;
  return query
    select v_user.id, v_user.masked_name, v_user.realname_verified_at is not null, t.refresh_token, t.refresh_expires_at, v_new
    from app.issue_refresh_token(v_user.id, null, p_now) t;
end;
$function$;
comment on function public.platform_login(text, text, text, text, timestamp with time zone) is 'auth-wechat / auth-alipay: find or create the person of a platform account (unionid kept) and start a refresh-token family. Service role only.';
revoke all on function public.platform_login(text, text, text, text, timestamp with time zone) from public;
grant execute on function public.platform_login(text, text, text, text, timestamp with time zone) to service_role;

create table app.realname_tickets (
  ticket_id  text                     not null,
  user_id    uuid                     not null,
  expires_at timestamp with time zone not null,
  used_at    timestamp with time zone not null,
  constraint realname_tickets_pkey primary key (ticket_id),
  constraint realname_tickets_ticket_id_check check (((ticket_id <> ''::text) and (length(ticket_id) <= 128)))
);
alter table app.realname_tickets
  enable row level security;
alter table app.realname_tickets
  add constraint realname_tickets_user_id_fkey foreign key (user_id) references app.users(id);
create index realname_tickets_user_id_idx on app.realname_tickets using btree (user_id);
comment on table app.realname_tickets is 'Ticket ids (jti) of the identity platform already used: a ticket binds once. No API role has a grant.';
comment on column app.realname_tickets.user_id is 'The account that presented the ticket.';

create or replace function public.bind_realname (
  p_user_id           uuid,
  p_ticket_id         text,
  p_ticket_expires_at timestamp with time zone,
  p_nonce             text,
  p_verify_method     text,
  p_name              text,
  p_id_number         text,
  p_phone             text                     default null::text,
  p_now               timestamp with time zone default now()
)
  returns table (
    user_id            uuid,
    masked_name        text,
    realname_verified  boolean,
    merged_from        uuid,
    refresh_token      text,
    refresh_expires_at timestamp with time zone,
    refused            text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_caller app.users;
  v_nonce app.realname_nonces;
  v_strong text[];
  v_target uuid;
  v_bidx bytea;
  v_own bytea;
  v_other uuid;
  v_reasons text[];
  v_user app.users;
  v_inserted boolean;
begin
  if nullif(btrim(p_ticket_id), '') is null or length(p_ticket_id) > 128 then
    perform app.raise_error('invalid_input', 'p_ticket_id');
  end if;
  if p_name is null or char_length(btrim(p_name)) not between 1 and 50 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_id_number is null or app.pii_normalize('id_number', p_id_number) !~ '^\d{17}[\dX]$' then
    perform app.raise_error('invalid_input', 'p_id_number');
  end if;
  if nullif(p_phone, '') is not null and app.pii_normalize('phone', p_phone) !~ '^1\d{10}$' then
    perform app.raise_error('invalid_input', 'p_phone');
  end if;
  if p_ticket_expires_at is null or p_ticket_expires_at <= p_now then
    perform app.raise_error('ticket_expired', 'exp');
  end if;
  -- A ticket lives minutes (TICKET_TTL_S); an expiry days ahead, or infinite, is no ticket the
  -- identity platform signed for a person at a counter.
  if p_ticket_expires_at > p_now + interval '1 day' then
    perform app.raise_error('invalid_input', 'p_ticket_expires_at');
  end if;

  select * into v_caller from app.users u where u.id = p_user_id for update;
  if not found or v_caller.merged_into is not null then
    perform app.raise_error('unauthorized', 'p_user_id');
  end if;

  if exists (select 1 from app.realname_tickets k where k.ticket_id = p_ticket_id) then
    perform app.raise_error('ticket_replayed', 'jti');
  end if;

  -- The ticket must answer a nonce this very account asked for.
  if nullif(btrim(p_nonce), '') is null then
    perform app.raise_error('realname_nonce_missing', 'nonce');
  end if;
  select * into v_nonce from app.realname_nonces n where n.nonce = p_nonce for update;
  if not found or v_nonce.user_id <> p_user_id then
    perform app.raise_error('realname_nonce_invalid', 'nonce');
  end if;
  if v_nonce.used_at is not null then
    perform app.raise_error('realname_nonce_used', 'nonce');
  end if;
  if v_nonce.expires_at <= p_now then
    perform app.raise_error('realname_nonce_expired', 'nonce');
  end if;

  select s.strong_verify_methods into v_strong from app.realname_settings s where s.id;
  if p_verify_method is null or not (p_verify_method = any (coalesce(v_strong, array['face']))) then
    perform app.raise_error('realname_method_weak', 'verify_method');
  end if;

  v_bidx := app.pii_blind_index('id_number', p_id_number);
  select i.id_number_bidx into v_own from app.user_identities i where i.user_id = p_user_id and i.source = 'provincial_idp';
  if v_own is not null and v_own <> v_bidx then
    perform app.raise_error('realname_mismatch');
  end if;

  perform pg_advisory_xact_lock(hashtext('bind_realname:' || encode(v_bidx, 'hex')));
  select i.user_id into v_other from app.user_identities i where i.id_number_bidx = v_bidx;

  if v_other is not null and v_other <> p_user_id then
    -- Somebody can already reach that row (an officer, or the person through their own login):
    -- a ticket never hands it to another login. Only the audit row is written.
    v_reasons := array_remove(array[
      case when exists (select 1 from app.staff_roles r where r.user_id = v_other) then 'staff_role' end,
      case when exists (select 1 from app.user_platform_links l where l.user_id = v_other) then 'platform_link' end
    ], null);
    if cardinality(v_reasons) > 0 then
      perform app.audit('identity', p_user_id, 'realname_merge_refused', '530900', null, null, null, null, null,
        jsonb_build_object('caller_user_id', p_user_id, 'target_user_id', v_other, 'reasons', to_jsonb(v_reasons),
                           'ticket_id', p_ticket_id, 'verify_method', p_verify_method));
      return query select null::uuid, null::text, null::boolean, null::uuid, null::text, null::timestamptz,
                          'realname_merge_refused'::text;
      return;
    end if;
  end if;

  insert into app.realname_tickets (ticket_id, user_id, expires_at, used_at)
  values (p_ticket_id, p_user_id, p_ticket_expires_at, p_now)
  on conflict (ticket_id) do nothing
  returning true into v_inserted;
  if v_inserted is null then
    perform app.raise_error('ticket_replayed', 'jti');
  end if;
  update app.realname_nonces n set used_at = p_now where n.nonce = p_nonce;

  v_target := p_user_id;
  if v_other is not null and v_other <> p_user_id then
    -- The same person already has a row nobody logs into: this account joins it. The caller's
    -- own identity row (a business system's unverified record) gives way.
    delete from app.user_identities i where i.user_id = p_user_id;
    update app.user_platform_links l set user_id = v_other where l.user_id = p_user_id;
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'merged'
    where t.user_id = p_user_id and t.revoked_at is null;
    update app.users u set merged_into = v_other where u.id = p_user_id;
    update app.users u set merged_into = v_other where u.merged_into = p_user_id;
    perform app.audit('identity', p_user_id, 'realname_merged', '530900', null, null, null, null, null,
      jsonb_build_object('caller_user_id', p_user_id, 'target_user_id', v_other,
                         'ticket_id', p_ticket_id, 'verify_method', p_verify_method));
    v_target := v_other;
  end if;

  perform app.store_identity(v_target, p_name, p_id_number, p_phone, 'provincial_idp', p_now);
  update app.users u set realname_verified_at = p_now where u.id = v_target;

  select * into v_user from app.users u where u.id = v_target;
  if v_target = p_user_id then
    return query select v_user.id, v_user.masked_name, true, null::uuid, null::text, null::timestamptz, null::text;
  else
    return query
      select v_user.id, v_user.masked_name, true, p_user_id, t.refresh_token, t.refresh_expires_at, null::text
      from app.issue_refresh_token(v_user.id, null, p_now) t;
  end if;
end;
$function$;
comment on function public.bind_realname(uuid, text, timestamp with time zone, text, text, text, text, text, timestamp with time zone) is 'realname-bind: bind a verified identity. The ticket''s nonce must be one realname_nonce() issued to p_user_id (live, unused), its verify_method one of app.realname_settings.strong_verify_methods; ticket id once only; encrypted; masked values. Merges into the same person''s row only when that row has no staff role and no platform link (then with a new refresh token); otherwise answers refused = realname_merge_refused and writes only the audit row. Service role only.';
revoke all on function public.bind_realname(uuid, text, timestamp with time zone, text, text, text, text, text, timestamp with time zone) from public;
grant execute on function public.bind_realname(uuid, text, timestamp with time zone, text, text, text, text, text, timestamp with time zone) to service_role;

create or replace function public.session_user_info (
  p_user_id uuid
)
  returns table (
    user_id           uuid,
    masked_name       text,
    realname_verified boolean
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select u.id, u.masked_name, u.realname_verified_at is not null
  from app.users u where u.id = p_user_id and u.merged_into is null;
$function$;
comment on function public.session_user_info(uuid) is 'Display fields of a session''s user (none when merged away). Service role only.';
revoke all on function public.session_user_info(uuid) from public;
grant execute on function public.session_user_info(uuid) to service_role;

create or replace function public.purge_identity_tokens (
  p_now timestamp with time zone default now()
)
  returns table (
    refresh_tokens_deleted integer,
    tickets_deleted        integer
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_tokens int;
  v_tickets int;
begin
  delete from app.refresh_tokens t
  where coalesce(t.revoked_at, t.expires_at) < p_now - interval '30 days'
    and (t.revoked_at is not null or t.expires_at < p_now - interval '30 days');
  get diagnostics v_tokens = row_count;
  delete from app.realname_tickets k where k.expires_at < p_now;
  get diagnostics v_tickets = row_count;
  delete from app.realname_nonces n where n.expires_at < p_now - interval '1 day';
  return query select v_tokens, v_tickets;
end;
$function$;
comment on function public.purge_identity_tokens(timestamp with time zone) is 'Job: deletes refresh tokens 30 days after they expired or were revoked, used ticket ids once their ticket expired, and 实名认证 nonces a day after they expired. Service role only.';
revoke all on function public.purge_identity_tokens(timestamp with time zone) from public;
grant execute on function public.purge_identity_tokens(timestamp with time zone) to service_role;

create or replace function app.trim_ws (
  p_text text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select btrim(p_text, E'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff');
$function$;
comment on function app.trim_ws(text) is 'String.prototype.trim in SQL: strips the Unicode white space and line terminators ECMAScript does (U+3000 full-width space included), so SQL and shared/ agree.';
revoke all on function app.trim_ws(text) from public;

create table app.realname_settings (
  id                    boolean not null default true,
  strong_verify_methods text[]  not null default array['face'::text,
  'banshitong'::text],
  nonce_ttl_seconds     integer not null default 900,
  constraint realname_settings_id_check check (id),
  constraint realname_settings_nonce_ttl_seconds_check check (((nonce_ttl_seconds >= 60) and (nonce_ttl_seconds <= 3600))),
  constraint realname_settings_pkey primary key (id),
  constraint realname_settings_strong_verify_methods_check
    check (cardinality(strong_verify_methods) between 1 and 20 and array_position(strong_verify_methods, null::text) is null)
);
alter table app.realname_settings
  enable row level security;
comment on table app.realname_settings is 'R13 实名认证 settings (one row), changed by the operator in SQL. strong_verify_methods: the identity platform''s verify_method values a ticket must carry to be believed (face = 人脸识别 against the 公安 photo; banshitong = identity already verified in 一部手机办事通); any other method (e.g. sms, id_phone 三要素核验) is refused with realname_method_weak. nonce_ttl_seconds: how long a nonce from realname_nonce() stays usable (the face check happens in between).';

create table app.realname_nonces (
  nonce      text                     not null,
  user_id    uuid                     not null,
  issued_at  timestamp with time zone not null,
  expires_at timestamp with time zone not null,
  used_at    timestamp with time zone,
  constraint realname_nonces_check check ((expires_at > issued_at)),
  constraint realname_nonces_nonce_check check ((nonce ~ '^[0-9a-f]{32}$'::text)),
  constraint realname_nonces_pkey primary key (nonce)
);
alter table app.realname_nonces
  enable row level security;
alter table app.realname_nonces
  add constraint realname_nonces_user_id_fkey foreign key (user_id) references app.users(id);
create index realname_nonces_expires_at_idx on app.realname_nonces using btree (expires_at);
create index realname_nonces_user_id_idx on app.realname_nonces using btree (user_id);
comment on table app.realname_nonces is 'Nonces issued by realname_nonce() to a signed-in user for one 实名认证: the identity platform signs it into the ticket and bind_realname accepts the ticket only from that user, before expires_at, once (used_at). A user holds at most one unused nonce (a new one replaces it). No API role has a grant.';
comment on column app.realname_nonces.used_at is 'When a ticket carrying this nonce was bound; kept until expiry so a second ticket with it is refused as used.';

create or replace function public.realname_nonce()
  returns table (
    nonce      text,
    expires_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.realname_nonce() is '实名认证 step 1 (R13): a fresh single-use nonce for the signed-in user, to pass to the identity platform''s /api/v1/realname/verify; realname-bind accepts the resulting ticket only from this user, before expires_at, once. Replaces the user''s previous unused nonce.';
revoke all on function public.realname_nonce() from public;
grant execute on function public.realname_nonce() to authenticated, service_role;

create policy dev_personas_select on app.dev_personas
  for select
  to service_role
  using (true);

create policy user_identities_select on app.user_identities
  for select
  to service_role
  using (true);

create policy refresh_tokens_select on app.refresh_tokens
  for select
  to service_role
  using (true);

create policy user_platform_links_select on app.user_platform_links
  for select
  to service_role
  using (true);

create policy realname_tickets_select on app.realname_tickets
  for select
  to service_role
  using (true);

create policy realname_settings_select on app.realname_settings
  for select
  to service_role
  using (true);

create policy realname_nonces_select on app.realname_nonces
  for select
  to service_role
  using (true);
