-- Real-name binding (R11, R12, R13): realname-bind has verified the provincial unified identity
-- platform's signed ticket (signature, issuer, audience, expiry); the database records the
-- ticket id so a ticket works once, stores the identity encrypted and marks the person
-- real-name. Binding the ID number of a person who already exists (the applicant of 办件
-- created by a business system, or the same person's other platform account) merges the
-- calling account into that person: its platform links move there, its refresh tokens are
-- revoked, and the caller gets a session for the surviving row.

create table app.realname_tickets (
  ticket_id text primary key check (ticket_id <> '' and length(ticket_id) <= 128),
  user_id uuid not null references app.users (id),
  expires_at timestamptz not null,
  used_at timestamptz not null
);
comment on table app.realname_tickets is 'Ticket ids (jti) of the identity platform already used: a ticket binds once. No API role has a grant.';
comment on column app.realname_tickets.user_id is 'The account that presented the ticket.';
create index realname_tickets_user_id_idx on app.realname_tickets (user_id);
alter table app.realname_tickets enable row level security;
create policy realname_tickets_select on app.realname_tickets for select to service_role using (true);
revoke all on app.realname_tickets from public, anon, authenticated, service_role;

create function public.bind_realname(
  p_user_id uuid,
  p_ticket_id text,
  p_ticket_expires_at timestamptz,
  p_name text,
  p_id_number text,
  p_phone text default null,
  p_now timestamptz default now()
)
returns table (user_id uuid, masked_name text, realname_verified boolean, merged_from uuid, refresh_token text, refresh_expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_caller app.users;
  v_target uuid;
  v_bidx bytea;
  v_own bytea;
  v_other uuid;
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

  select * into v_caller from app.users u where u.id = p_user_id for update;
  if not found or v_caller.merged_into is not null then
    perform app.raise_error('unauthorized', 'p_user_id');
  end if;

  insert into app.realname_tickets (ticket_id, user_id, expires_at, used_at)
  values (p_ticket_id, p_user_id, p_ticket_expires_at, p_now)
  on conflict (ticket_id) do nothing
  returning true into v_inserted;
  if v_inserted is null then
    perform app.raise_error('ticket_replayed', 'jti');
  end if;

  v_bidx := app.pii_blind_index('id_number', p_id_number);
  select i.id_number_bidx into v_own from app.user_identities i where i.user_id = p_user_id and i.source = 'provincial_idp';
  if v_own is not null and v_own <> v_bidx then
    perform app.raise_error('realname_mismatch');
  end if;

  perform pg_advisory_xact_lock(hashtext('bind_realname:' || encode(v_bidx, 'hex')));
  select i.user_id into v_other from app.user_identities i where i.id_number_bidx = v_bidx;
  v_target := p_user_id;
  if v_other is not null and v_other <> p_user_id then
    -- The same person already has a row: this account joins it. The caller's own identity row
    -- (a business system's unverified record) gives way.
    delete from app.user_identities i where i.user_id = p_user_id;
    update app.user_platform_links l set user_id = v_other where l.user_id = p_user_id;
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'merged'
    where t.user_id = p_user_id and t.revoked_at is null;
    update app.users u set merged_into = v_other where u.id = p_user_id;
    update app.users u set merged_into = v_other where u.merged_into = p_user_id;
    v_target := v_other;
  end if;

  perform app.store_identity(v_target, p_name, p_id_number, p_phone, 'provincial_idp', p_now);
  update app.users u set realname_verified_at = p_now where u.id = v_target;

  select * into v_user from app.users u where u.id = v_target;
  if v_target = p_user_id then
    return query select v_user.id, v_user.masked_name, true, null::uuid, null::text, null::timestamptz;
  else
    return query
      select v_user.id, v_user.masked_name, true, p_user_id, t.refresh_token, t.refresh_expires_at
      from app.issue_refresh_token(v_user.id, null, p_now) t;
  end if;
end;
$$;
comment on function public.bind_realname(uuid, text, timestamptz, text, text, text, timestamptz) is
  'realname-bind: bind a verified identity (ticket id once only; encrypted; masked values; merge into the same person''s row, then with a new refresh token). Service role only.';
revoke execute on function public.bind_realname(uuid, text, timestamptz, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.bind_realname(uuid, text, timestamptz, text, text, text, timestamptz) to service_role;

-- The session user's display fields (auth-refresh after a merge, realname-bind's answer).
create function public.session_user_info(p_user_id uuid)
returns table (user_id uuid, masked_name text, realname_verified boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select u.id, u.masked_name, u.realname_verified_at is not null
  from app.users u where u.id = p_user_id and u.merged_into is null;
$$;
comment on function public.session_user_info(uuid) is 'Display fields of a session''s user (none when merged away). Service role only.';
revoke execute on function public.session_user_info(uuid) from public, anon, authenticated;
grant execute on function public.session_user_info(uuid) to service_role;
