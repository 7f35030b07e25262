-- Finding the person to grant a role to (issue 7, 人员与角色). An administrator types the
-- person's mobile number or 居民身份证号码; the value is matched through the HMAC blind indexes
-- of app.user_identities (20261129210000_identity_pii.sql) and is never stored, logged or
-- answered in clear. The answer is the user id, the masked name and whether the name is
-- verified — nothing else about the person.
--
-- Who may ask: only someone who may grant a role in the scope they name, by the same rule as
-- admin_grant_role (app.require_role_manager): a unit (staff / unit_admin: supervisors of the
-- unit's region, and the unit's own admins for the staff role) or a region (supervisor: its
-- supervisors). Everyone else — staff, citizens, supervisors of other regions — is refused
-- before anything is looked up, and nothing is written.
--
-- Against enumeration (a number typed in to learn whether, and who, it belongs to): every
-- lookup is written to the audit log (entity admin, action user_lookup; the kind of value and
-- the ids found, never the value), and a caller may look up at most 30 people in 10 minutes
-- (beyond that: 429 lookup_rate_limited, whose row 20261129284300_admin_error_codes.sql adds).

create function public.admin_find_user(p_identifier text, p_unit_id uuid default null, p_scope_region_code text default null)
returns table (user_id uuid, masked_name text, realname_verified boolean)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_value text;
  v_kind text;
  v_ids uuid[];
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

  v_value := upper(regexp_replace(coalesce(left(p_identifier, 64), ''), '[\s-]', '', 'g'));
  if char_length(coalesce(p_identifier, '')) > 64 then
    perform app.raise_error('invalid_input', 'p_identifier');
  elsif v_value ~ '^(\+?86)?1[3-9]\d{9}$' then
    v_kind := 'phone';
  elsif v_value ~ '^\d{17}[\dX]$' then
    v_kind := 'id_number';
  else
    perform app.raise_error('invalid_input', 'p_identifier');
  end if;

  if (select count(*) from app.audit_log a
      where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '10 minutes') >= 30 then
    perform app.raise_error('lookup_rate_limited', '30 in 10 minutes');
  end if;

  if v_kind = 'phone' then
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.phone_bidx = app.pii_blind_index('phone', v_value);
  else
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.id_number_bidx = app.pii_blind_index('id_number', v_value);
  end if;
  v_ids := coalesce(v_ids, '{}');

  perform app.audit('admin', v_uid, 'user_lookup', v_region, null, null, null, null, null,
                    jsonb_build_object('kind', v_kind, 'found', cardinality(v_ids), 'user_ids', to_jsonb(v_ids),
                                       'unit_id', p_unit_id, 'scope', p_scope_region_code));
  return query
  select u.id, u.masked_name, u.realname_verified_at is not null
  from app.users u
  where u.id = any (v_ids)
  order by u.masked_name, u.id
  limit 10;
end;
$$;
comment on function public.admin_find_user(text, uuid, text) is
  'Role managers: the person with this mobile number or ID number (blind-index match), as user id, masked name and realname_verified, for granting a role in p_unit_id or p_scope_region_code (exactly one). Audited (user_lookup, without the value); at most 30 lookups per caller in 10 minutes.';

revoke execute on function public.admin_find_user(text, uuid, text) from public, anon;
grant execute on function public.admin_find_user(text, uuid, text) to authenticated;
