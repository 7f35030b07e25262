-- Refresh tokens (SPEC §4 logins): the access token is short-lived; the mini-program keeps a
-- refresh token in storage and trades it at auth-refresh for a new pair when it is reopened.
-- Only a SHA-256 hash is stored. Each token is single use (rotation); presenting a used one
-- again means it was copied, so its whole family (every token descended from one login) is
-- revoked and the person must log in again. Tokens expire 30 days after they were issued.

create table app.refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  family_id uuid not null,
  user_id uuid not null references app.users (id) on delete cascade,
  token_hash bytea not null unique,
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  revoke_reason text check (revoke_reason in ('reuse', 'merged', 'logout')),
  check (expires_at > issued_at)
);
comment on table app.refresh_tokens is 'Refresh tokens by SHA-256 hash; single use, rotated, family revoked on reuse. No API role has a grant.';
comment on column app.refresh_tokens.family_id is 'All tokens rotated from one login share it; reuse of any revokes them all.';
comment on column app.refresh_tokens.used_at is 'When it was traded for its successor (it is then spent).';
comment on column app.refresh_tokens.revoke_reason is 'reuse: a spent token was presented again; merged: the account was merged into the same person''s row; logout.';
create index refresh_tokens_user_id_idx on app.refresh_tokens (user_id);
create index refresh_tokens_family_id_idx on app.refresh_tokens (family_id);
alter table app.refresh_tokens enable row level security;
create policy refresh_tokens_select on app.refresh_tokens for select to service_role using (true);
revoke all on app.refresh_tokens from public, anon, authenticated, service_role;

-- A new token for p_user_id: in family p_family_id, or a new family (a login) when null.
create function app.issue_refresh_token(p_user_id uuid, p_family_id uuid default null, p_now timestamptz default now())
returns table (refresh_token text, refresh_expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_token text := 'hcp_rt_' || translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/=', '-_');
  v_expires timestamptz := p_now + interval '30 days';
begin
  insert into app.refresh_tokens (family_id, user_id, token_hash, issued_at, expires_at)
  values (coalesce(p_family_id, gen_random_uuid()), p_user_id, extensions.digest(v_token, 'sha256'), p_now, v_expires);
  return query select v_token, v_expires;
end;
$$;
comment on function app.issue_refresh_token(uuid, uuid, timestamptz) is 'Issues a refresh token (hcp_rt_ + 43 base64url chars), valid 30 days; only its hash is kept. Executable by no API role.';
revoke execute on function app.issue_refresh_token(uuid, uuid, timestamptz) from public, anon, authenticated, service_role;

-- Trades a refresh token for its successor. Answers a status instead of raising, because a
-- reuse must leave a write behind (the family revoked) that an error would roll back:
--   ok       → user and the new token
--   invalid  → unknown or revoked token
--   expired  → past its 30 days
--   reused   → already spent: the family is now revoked
create function public.rotate_refresh_token(p_refresh_token text, p_now timestamptz default now())
returns table (status text, user_id uuid, masked_name text, realname_verified boolean, refresh_token text, refresh_expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.rotate_refresh_token(text, timestamptz) is
  'auth-refresh: single-use rotation of a refresh token; status ok | invalid | expired | reused (reuse revokes the family). Service role only.';
revoke execute on function public.rotate_refresh_token(text, timestamptz) from public, anon, authenticated;
grant execute on function public.rotate_refresh_token(text, timestamptz) to service_role;

-- Logout: revokes the family of the given token (unknown tokens are ignored).
create function public.revoke_refresh_token(p_refresh_token text, p_now timestamptz default now())
returns boolean
language sql
security definer
set search_path = ''
as $$
  with target as (
    select family_id from app.refresh_tokens where token_hash = extensions.digest(coalesce(p_refresh_token, ''), 'sha256')
  ), revoked as (
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'logout'
    from target where t.family_id = target.family_id and t.revoked_at is null
    returning t.id
  )
  select exists (select 1 from target);
$$;
comment on function public.revoke_refresh_token(text, timestamptz) is 'Logout: revokes every token of the given token''s family. Service role only.';
revoke execute on function public.revoke_refresh_token(text, timestamptz) from public, anon, authenticated;
grant execute on function public.revoke_refresh_token(text, timestamptz) to service_role;
