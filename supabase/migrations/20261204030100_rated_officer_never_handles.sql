-- R13 (issue 13): the officer a 差评 is about never handles it. Until now any staff member of
-- the order's unit passed app.require_unit_handler, so the rated officer could 核实 their own
-- 差评, become its handler, appeal it, answer it, record the 回访 and reveal the rater's masked
-- contact. Every unit action (verify, appeal, extend, rectify, reply, 回访, reveal, assign, the
-- handler list) goes through app.require_unit_handler, so the rule is decided there, once:
-- the rated officer gets own_work_order (403) and nothing is written.
--
-- "The officer it is about" is every officer the 差评 names: the order's staff_user_id (copied
-- from the rating), the rating's own (a rerouted order has none of its own) and the 办件's
-- current one (a business system may have corrected it after the rating).
--
-- When the unit has nobody but the rated officer, the order goes to the supervisors (see
-- *_work_order_opening_escalation.sql): a supervisor of the order's region may then assign a
-- handler, themselves included, and that supervisor-handler may act on the order like the unit
-- would, except appeal (an appeal is the unit's, and supervisors decide appeals).

create function app.is_rated_officer(p_wo app.work_orders, p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  -- Never null (a null would read as "no" in one place and slip through a NOT in another).
  select coalesce(p_user_id = p_wo.staff_user_id, false)
      or exists (select 1 from app.ratings r where r.id = p_wo.rating_id and r.staff_user_id = p_user_id)
      or exists (select 1 from app.transactions t where t.id = p_wo.transaction_id and t.staff_user_id = p_user_id);
$$;
comment on function app.is_rated_officer(app.work_orders, uuid) is
  'R13: whether p_user_id is an officer the order''s 差评 is about (the order''s, the rating''s or the 办件''s officer). Such an officer never handles, is assigned or appeals it.';
-- Asked only inside definer RPCs, which run as the owner.
revoke execute on function app.is_rated_officer(app.work_orders, uuid) from public, anon, authenticated, service_role;

-- A handler a supervisor assigned from outside the unit: a supervisor of the order's region,
-- named as its handler (only assign_work_order, called by a supervisor, can name one).
create function app.is_supervisor_handler(p_wo app.work_orders, p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(p_user_id is not null and p_wo.handler_user_id = p_user_id, false)
     and exists (select 1 from app.staff_roles s
                 where s.user_id = p_user_id and s.role = 'supervisor'
                   and p_wo.region_code in (select app.region_and_below(s.scope_region_code)));
$$;
comment on function app.is_supervisor_handler(app.work_orders, uuid) is
  'A supervisor overseeing the order''s region who was assigned as its handler (an order whose unit has nobody but the rated officer).';
-- Asked only inside definer RPCs, which run as the owner.
revoke execute on function app.is_supervisor_handler(app.work_orders, uuid) from public, anon, authenticated, service_role;

-- Who may act on an order: staff and unit admins of its unit, or the supervisor assigned as its
-- handler; never the officer it is about. Outsiders get forbidden (after not_found for an unknown
-- id), so an officer of another unit learns nothing; the rated officer gets own_work_order, the
-- most specific reason, before the unit-admin test (they may be the unit's admin).
create or replace function app.require_unit_handler(p_work_order_id uuid, p_unit_admin_only boolean default false)
returns app.work_orders
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_member boolean;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_member := exists (select 1 from app.staff_roles s
                      where s.user_id = v_uid and s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin'));
  if not v_member and not app.is_supervisor_handler(v_wo, v_uid) then
    perform app.raise_error('forbidden', 'p_work_order_id');
  end if;
  if app.is_rated_officer(v_wo, v_uid) then
    perform app.raise_error('own_work_order', 'p_work_order_id');
  end if;
  if p_unit_admin_only and not exists (
    select 1 from app.staff_roles s where s.user_id = v_uid and s.unit_id = v_wo.unit_id and s.role = 'unit_admin'
  ) then
    perform app.raise_error('forbidden', 'p_work_order_id');
  end if;
  return v_wo;
end;
$$;

-- R11: an appeal is the unit's own contest, by its real-name officers; a supervisor who handles
-- an order for a unit with nobody else does not appeal to their own colleagues.
create or replace function public.submit_appeal(p_work_order_id uuid, p_reason text, p_statement text, p_evidence uuid[] default '{}')
returns table (id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_evidence uuid[];
  v_id uuid;
begin
  if not exists (select 1 from app.staff_roles s
                 where s.user_id = v_uid and s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin')) then
    perform app.raise_error('forbidden', 'p_work_order_id');
  end if;
  if not exists (select 1 from app.users u where u.id = v_uid and u.realname_verified_at is not null) then
    perform app.raise_error('realname_required');
  end if;
  if exists (select 1 from app.appeals a where a.work_order_id = p_work_order_id) then
    perform app.raise_error('appeal_exists');
  end if;
  if p_reason is null or p_reason not in ('mistaken', 'malicious', 'wrong_unit', 'other') then
    perform app.raise_error('invalid_input', 'p_reason');
  end if;
  if p_statement is null or char_length(btrim(p_statement)) not between 10 and 2000 then
    perform app.raise_error('invalid_input', 'p_statement');
  end if;
  v_evidence := app.check_evidence(p_evidence, v_wo.unit_id);
  perform app.transition_work_order(p_work_order_id, 'appeal', null, null, jsonb_build_object('reason', p_reason));
  insert into app.appeals (work_order_id, unit_id, region_code, appellant_user_id, reason, statement, evidence)
  values (p_work_order_id, v_wo.unit_id, v_wo.region_code, v_uid, p_reason, btrim(p_statement), v_evidence)
  returning appeals.id into v_id;
  perform app.audit('appeal', v_id, 'submitted', v_wo.region_code, null, 'pending', p_work_order_id);
  return query select v_id;
end;
$$;
comment on function public.submit_appeal(uuid, text, text, uuid[]) is
  'R11: a real-name officer of the unit, other than the officer the 差评 is about (own_work_order), appeals it before verifying it; once per work order.';

-- Orders the rated officer already handles (verified before this rule, or seeded so) lose that
-- handler: they can no longer act on it, and the unit admin or a colleague takes it over.
with cleared as (
  update app.work_orders w set handler_user_id = null, updated_at = now()
  where w.handler_user_id is not null and app.is_rated_officer(w, w.handler_user_id)
  returning w.id, w.status, w.region_code
)
insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, detail, region_code)
select null, 'system', 'work_order', c.id, c.id, 'assigned', c.status, c.status,
       jsonb_build_object('handler_user_id', null, 'reason', 'own_work_order'), c.region_code
from cleared c;
