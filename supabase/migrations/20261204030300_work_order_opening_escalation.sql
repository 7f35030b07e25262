-- Two changes to how a 差评 order opens and how the rater's own steps are recorded (issue 13).
--
-- R13, anonymous 差评: the `opened` audit row recorded auth.uid() — the rater — as its actor, so
-- the log tied an anonymous 差评 to a person. The order is opened by the system (the rating
-- trigger), whoever inserted the rating: every `opened` row now has no actor user and the role
-- 'system'. The rater's later steps on a non-real-name order (rating the fix, the reopening it
-- causes) are likewise written without their id, as role 'rater' (app.audit below). A
-- real-name rater's steps keep their id: they chose to be known.
--
-- R13, the rated officer never handles it: when the order's unit has nobody but the officer the
-- 差评 is about (staff or unit admin), it is escalated the moment it opens ("本单位无被评价人以外的
-- 承办人员"), so it is on the supervisors' 超期预警 list (overdue_work_orders) at once; a
-- supervisor of the region then assigns a handler (assign_work_order), themselves included.

create or replace function app.open_work_orders()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_policy app.loop_policy;
begin
  select * into v_policy from app.loop_policy;
  with opened as (
    insert into app.work_orders (
      rating_id, transaction_id, unit_id, region_code, window_id, staff_user_id, matter_id, channel,
      rated_day, is_realname, opened_at, verify_due_on, verify_due_provisional, escalated_at, escalation_reason
    )
    select n.id, n.transaction_id, n.unit_id, u.region_code, n.window_id, n.staff_user_id, n.matter_id, n.channel,
           (n.rated_at at time zone 'Asia/Shanghai')::date,
           not n.is_anonymous and coalesce(ru.realname_verified_at is not null, false),
           n.rated_at, d.due_on, d.is_provisional,
           case when alone.yes then n.rated_at end,
           case when alone.yes then '本单位无被评价人以外的承办人员' end
    from new_ratings n
    join app.units u on u.id = n.unit_id
    left join app.users ru on ru.id = n.rater_user_id
    cross join lateral public.working_deadline((n.rated_at at time zone 'Asia/Shanghai')::date, v_policy.verify_working_days) d
    -- Nobody of the unit may handle it but the officer it is about (app.is_rated_officer's test,
    -- before the order exists: the rating's officer and the 办件's).
    cross join lateral (
      select not exists (
        select 1 from app.staff_roles s
        where s.unit_id = n.unit_id and s.role in ('staff', 'unit_admin')
          and s.user_id is distinct from n.staff_user_id
          and not exists (select 1 from app.transactions t where t.id = n.transaction_id and t.staff_user_id = s.user_id)
      ) as yes
    ) alone
    where n.assess_number = 1 and n.is_bad and not n.is_default and n.validity = 'valid'
    returning id, region_code, verify_due_on, escalated_at
  )
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, due_on, detail, region_code)
  select null, 'system', 'work_order', e.id, e.id, e.action, e.state_from, 'pending_verification', e.due_on, e.detail, e.region_code
  from (
    select o.id, o.region_code, 1 as step, 'opened' as action, null::text as state_from, o.verify_due_on as due_on, '{}'::jsonb as detail
    from opened o
    union all
    select o.id, o.region_code, 2, 'escalated', 'pending_verification', null, jsonb_build_object('reason', '本单位无被评价人以外的承办人员')
    from opened o where o.escalated_at is not null
  ) e
  order by e.id, e.step;
  return null;
end;
$$;

create or replace function app.audit(
  p_entity text,
  p_entity_id uuid,
  p_action text,
  p_region_code text,
  p_state_from text default null,
  p_state_to text default null,
  p_work_order_id uuid default null,
  p_note text default null,
  p_due_on date default null,
  p_detail jsonb default '{}'
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_role text := coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', session_user);
begin
  -- The rater of a non-real-name 差评 acting on its order is not named (R13).
  if v_uid is not null and p_work_order_id is not null and exists (
       select 1 from app.work_orders w join app.ratings r on r.id = w.rating_id
       where w.id = p_work_order_id and not w.is_realname and r.rater_user_id = v_uid) then
    v_uid := null;
    v_role := 'rater';
  end if;
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, note, due_on, detail, region_code)
  values (v_uid, v_role, p_entity, p_entity_id, p_work_order_id, p_action, p_state_from, p_state_to, p_note, p_due_on,
          coalesce(p_detail, '{}'), p_region_code);
end;
$$;
revoke execute on function app.audit(text, uuid, text, text, text, text, uuid, text, date, jsonb) from public, anon, authenticated, service_role;

comment on column app.audit_log.actor_user_id is
  'Who acted (JWT sub); null for jobs and triggers (an order''s opening is the system''s), and for the rater of a non-real-name 差评 (R13).';
comment on column app.audit_log.actor_role is
  'The database role that acted: authenticated, service_role, postgres (jobs); system for an order''s opening and escalation by the trigger; rater for the unnamed rater of a non-real-name 差评.';
