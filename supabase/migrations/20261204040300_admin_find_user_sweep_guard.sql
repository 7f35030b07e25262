-- admin_find_user against completing a masked phone (issue 13 point 5). A unit admin sees a
-- staff member's phone as 138****5678; with a phone-only lookup they could try the 10,000 middle
-- digits and learn the number (30 tries per 10 minutes is about two days). Now:
--
--   * Phone-only lookups are for supervisors (of the unit's region, or of the region named).
--     A unit admin gives the ID number (居民身份证号码) alone, or the phone AND the ID number
--     (p_id_number), which must belong to the same person: a masked phone then completes
--     nothing. Phone alone from a unit admin is 403 lookup_needs_id_number, before anything is
--     looked up, counted or written. admin_find_user(p_identifier, p_unit_id,
--     p_scope_region_code) keeps working unchanged for supervisors.
--   * A daily cap per caller: at most 100 lookups in 24 hours (429 lookup_daily_limit), besides
--     the 30 in 10 minutes (lookup_rate_limited).
--   * A sweep is stopped and flagged: the 10th lookup in 24 hours that finds nobody writes the
--     audit row lookup_sweep_flagged (who, where, how many misses) and, from then on for 24
--     hours, every lookup of that caller is 429 lookup_locked. Supervisors of the region see
--     the flags with admin_lookup_flags(p_region_code). The 10th miss itself still answers
--     (empty): a refusal would roll the flag back with it.
--
-- Calls of one caller are serialized (a transaction-scoped advisory lock), so parallel requests
-- cannot slip past the counts. Counts come from the audit log itself (user_lookup rows, whose
-- detail.found says hit or miss), which nobody can edit.

insert into app.error_codes (code, http_status, message) values
  ('lookup_needs_id_number', 403, '单位管理员按手机号码查找人员时，须同时填写该人员的身份证号码'),
  ('lookup_daily_limit', 429, '查找次数已达上限（24 小时内最多 100 次），请明天再试'),
  ('lookup_locked', 429, '未找到人员的查找次数过多，查找已暂停 24 小时，并已通知监督员');

-- The counts below read a caller's recent lookups; staff act on thousands of audited rows, so
-- index just these.
create index audit_log_lookups_idx on app.audit_log (actor_user_id, at)
  where action in ('user_lookup', 'lookup_sweep_flagged');

drop function public.admin_find_user(text, uuid, text);

create function public.admin_find_user(
  p_identifier text,
  p_unit_id uuid default null,
  p_scope_region_code text default null,
  p_id_number text default null
)
returns table (user_id uuid, masked_name text, realname_verified boolean)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_supervisor boolean;
  v_value text;
  v_id_number text;
  v_kind text;
  v_ids uuid[];
  v_misses int;
begin
  if (p_unit_id is null) = (p_scope_region_code is null) then
    perform app.raise_error('invalid_input', 'p_unit_id/p_scope_region_code');
  end if;
  if p_unit_id is not null then
    perform app.require_role_manager('staff', p_unit_id, null);
    v_region := (select u.region_code from app.units u where u.id = p_unit_id);
  else
    perform app.require_role_manager('supervisor', null, p_scope_region_code);
    v_region := p_scope_region_code;
  end if;
  -- Who may look up by phone alone: a supervisor of the region (a unit's own admin may not).
  v_supervisor := app.is_region_supervisor(v_region);

  if char_length(coalesce(p_identifier, '')) > 64 then
    perform app.raise_error('invalid_input', 'p_identifier');
  end if;
  v_value := upper(regexp_replace(coalesce(p_identifier, ''), '[\s-]', '', 'g'));
  if v_value ~ '^(\+?86)?1[3-9]\d{9}$' then
    v_kind := 'phone';
  elsif v_value ~ '^\d{17}[\dX]$' then
    v_kind := 'id_number';
  else
    perform app.raise_error('invalid_input', 'p_identifier');
  end if;
  if p_id_number is not null then
    if char_length(p_id_number) > 64 then
      perform app.raise_error('invalid_input', 'p_id_number');
    end if;
    v_id_number := upper(regexp_replace(p_id_number, '[\s-]', '', 'g'));
    -- Only beside a phone: the ID number that must go with it.
    if v_kind <> 'phone' or v_id_number !~ '^\d{17}[\dX]$' then
      perform app.raise_error('invalid_input', 'p_id_number');
    end if;
    v_kind := 'phone+id_number';
  end if;
  if v_kind = 'phone' and not v_supervisor then
    perform app.raise_error('lookup_needs_id_number', 'p_id_number');
  end if;

  perform pg_advisory_xact_lock(hashtextextended('admin_find_user:' || v_uid::text, 0));
  if exists (select 1 from app.audit_log a
             where a.actor_user_id = v_uid and a.action = 'lookup_sweep_flagged' and a.at > now() - interval '24 hours') then
    perform app.raise_error('lookup_locked', '24 hours after a sweep was flagged');
  end if;
  if (select count(*) from app.audit_log a
      where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '24 hours') >= 100 then
    perform app.raise_error('lookup_daily_limit', '100 in 24 hours');
  end if;
  if (select count(*) from app.audit_log a
      where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '10 minutes') >= 30 then
    perform app.raise_error('lookup_rate_limited', '30 in 10 minutes');
  end if;

  if v_kind = 'phone' then
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.phone_bidx = app.pii_blind_index('phone', v_value);
  elsif v_kind = 'phone+id_number' then
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.phone_bidx = app.pii_blind_index('phone', v_value)
      and i.id_number_bidx = app.pii_blind_index('id_number', v_id_number);
  else
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.id_number_bidx = app.pii_blind_index('id_number', v_value);
  end if;
  v_ids := coalesce(v_ids, '{}');

  perform app.audit('admin', v_uid, 'user_lookup', v_region, null, null, null, null, null,
                    jsonb_build_object('kind', v_kind, 'found', cardinality(v_ids), 'user_ids', to_jsonb(v_ids),
                                       'unit_id', p_unit_id, 'scope', p_scope_region_code));

  if cardinality(v_ids) = 0 then
    select count(*) into v_misses from app.audit_log a
    where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '24 hours'
      and (a.detail ->> 'found') = '0';
    if v_misses >= 10 then
      perform app.audit('admin', v_uid, 'lookup_sweep_flagged', v_region, null, 'locked', null, null, null,
                        jsonb_build_object('misses_24h', v_misses, 'kind', v_kind, 'unit_id', p_unit_id,
                                           'scope', p_scope_region_code, 'locked_until', now() + interval '24 hours'));
    end if;
  end if;

  return query
  select u.id, u.masked_name, u.realname_verified_at is not null
  from app.users u
  where u.id = any (v_ids)
  order by u.masked_name, u.id
  limit 10;
end;
$$;
comment on function public.admin_find_user(text, uuid, text, text) is
  'Role managers: the person with this mobile number or ID number (blind-index match), as user id, masked name and realname_verified, for granting a role in p_unit_id or p_scope_region_code (exactly one). Phone alone: supervisors of the region only; a unit admin gives the ID number, alone or as p_id_number beside the phone (both must match). Audited (user_lookup, without the value); at most 30 per 10 minutes and 100 per 24 hours per caller; 10 misses in 24 hours flag a sweep (lookup_sweep_flagged) and lock the caller out for 24 hours.';

revoke execute on function public.admin_find_user(text, uuid, text, text) from public, anon;
grant execute on function public.admin_find_user(text, uuid, text, text) to authenticated;

-- What supervisors see of the sweeps: each flag in a region they oversee (and below), who (masked
-- name), where the lookups were made, how many misses, until when the caller is locked out.
create function public.admin_lookup_flags(p_region_code text)
returns table (
  flagged_at timestamptz, user_id uuid, masked_name text, region_code text, unit_id uuid, unit_name text,
  misses integer, locked_until timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select a.at, a.actor_user_id, us.masked_name, a.region_code, un.id, un.name,
         (a.detail ->> 'misses_24h')::int, a.at + interval '24 hours'
  from app.audit_log a
  left join app.users us on us.id = a.actor_user_id
  left join app.units un on un.id = (a.detail ->> 'unit_id')::uuid
  where a.action = 'lookup_sweep_flagged'
    and a.region_code in (select app.region_and_below(p_region_code))
  order by a.at desc
  limit 200;
end;
$$;
comment on function public.admin_lookup_flags(text) is
  'Supervisors: admin_find_user sweeps flagged in a region they oversee and below (lookup_sweep_flagged audit rows), newest first: who (masked), where, misses, locked until.';

revoke execute on function public.admin_lookup_flags(text) from public, anon;
grant execute on function public.admin_lookup_flags(text) to authenticated;
