-- bind_realname believes a ticket only when it was asked for by the caller's session and the
-- person was verified strongly (R13, issue 13), and never merges the caller into an account
-- that can already log in or holds a role:
--   * nonce: the ticket's `nonce` must be one realname_nonce() issued to p_user_id, unexpired
--     and unused (missing → realname_nonce_missing, another user's or unknown →
--     realname_nonce_invalid, expired → realname_nonce_expired, used → realname_nonce_used);
--   * method: the ticket's `verify_method` must be in app.realname_settings.strong_verify_methods
--     (else realname_method_weak);
--   * the row of the same person (same ID number) is merged into only when nobody can reach it
--     otherwise: no staff / unit_admin / supervisor role and no platform link (e.g. a person known
--     from a business system's 办件, or from a hall pad). Else the answer is one row with
--     `refused` = realname_merge_refused, the attempt is written to the audit log and nothing
--     else is: no identity, no used ticket or nonce, no moved link. A raised error would roll the
--     audit row back with everything else, hence a row the function turns into a 403.
-- The signature changes (nonce and method), so the old function is dropped, not replaced.

drop function public.bind_realname(uuid, text, timestamptz, text, text, text, timestamptz);

create function public.bind_realname(
  p_user_id uuid,
  p_ticket_id text,
  p_ticket_expires_at timestamptz,
  p_nonce text,
  p_verify_method text,
  p_name text,
  p_id_number text,
  p_phone text default null,
  p_now timestamptz default now()
)
returns table (
  user_id uuid, masked_name text, realname_verified boolean, merged_from uuid,
  refresh_token text, refresh_expires_at timestamptz, refused text
)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.bind_realname(uuid, text, timestamptz, text, text, text, text, text, timestamptz) is
  'realname-bind: bind a verified identity. The ticket''s nonce must be one realname_nonce() issued to p_user_id (live, unused), its verify_method one of app.realname_settings.strong_verify_methods; ticket id once only; encrypted; masked values. Merges into the same person''s row only when that row has no staff role and no platform link (then with a new refresh token); otherwise answers refused = realname_merge_refused and writes only the audit row. Service role only.';
revoke execute on function public.bind_realname(uuid, text, timestamptz, text, text, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.bind_realname(uuid, text, timestamptz, text, text, text, text, text, timestamptz) to service_role;
