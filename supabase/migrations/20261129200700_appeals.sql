-- R11 申诉复核 and 容错: a unit's real-name officer appeals a 差评 once (误评, 恶意差评, 非本单位职责,
-- 其他) with a statement and evidence; a supervisor of the order's region decides. Approved: the
-- rating stays but is invalid and leaves every metric (the rollups follow its validity), or,
-- for a wrong unit, the order is rerouted to the right one. Rejected: 整改 is due 15 working
-- days after the decision. The real-name rater of a dismissed 差评 may ask once for a re-review,
-- which only a city-level supervisor decides.

create table app.appeals (
  id uuid primary key default gen_random_uuid(),
  work_order_id uuid not null unique references app.work_orders (id),
  unit_id uuid not null references app.units (id),
  region_code text not null references app.regions (code),
  appellant_user_id uuid not null references app.users (id),
  reason text not null check (reason in ('mistaken', 'malicious', 'wrong_unit', 'other')),
  statement text not null check (char_length(statement) between 10 and 2000),
  evidence uuid[] not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  decided_by uuid references app.users (id),
  decided_at timestamptz,
  decision_note text check (char_length(decision_note) <= 1000),
  reroute_unit_id uuid references app.units (id),
  created_at timestamptz not null default now()
);
comment on table app.appeals is 'R11: one appeal per work order. reason: mistaken 误评, malicious 恶意差评, wrong_unit 非本单位职责, other 其他.';
create index appeals_unit_id_idx on app.appeals (unit_id);
create index appeals_region_status_idx on app.appeals (region_code, status);
create index appeals_appellant_user_id_idx on app.appeals (appellant_user_id);
create index appeals_decided_by_idx on app.appeals (decided_by);
create index appeals_reroute_unit_id_idx on app.appeals (reroute_unit_id);
alter table app.appeals enable row level security;
create policy appeals_select on app.appeals for select to service_role using (true);
grant select on app.appeals to service_role;

-- Sets the 整改 clock of a substantiated order: 15 working days from today (R9, R11).
create function app.start_rectification(p_work_order_id uuid)
returns date
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_due record;
begin
  select d.due_on, d.is_provisional into v_due
  from public.working_deadline((now() at time zone 'Asia/Shanghai')::date, (select p.rectify_working_days from app.loop_policy p)) d;
  update app.work_orders w
  set substantiated_at = now(), rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
  return v_due.due_on;
end;
$$;
revoke execute on function app.start_rectification(uuid) from public, anon, authenticated, service_role;

create function public.submit_appeal(p_work_order_id uuid, p_reason text, p_statement text, p_evidence uuid[] default '{}')
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
comment on function public.submit_appeal(uuid, text, text, uuid[]) is 'R11: a real-name officer of the unit appeals a 差评 before verifying it; once per work order.';

create function public.review_appeal(p_appeal_id uuid, p_approve boolean, p_note text, p_reroute_unit_id uuid default null)
returns table (id uuid, status text, work_order_status text, new_work_order_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_a app.appeals;
  v_wo app.work_orders;
  v_new uuid;
  v_due date;
begin
  select * into v_a from app.appeals a where a.id = p_appeal_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_appeal_id');
  end if;
  if not app.is_region_supervisor(v_a.region_code) then
    perform app.raise_error('forbidden', 'p_appeal_id');
  end if;
  if p_approve is null then
    perform app.raise_error('invalid_input', 'p_approve');
  end if;
  if p_note is null or char_length(btrim(p_note)) not between 2 and 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  if v_a.status <> 'pending' then
    perform app.raise_error('invalid_transition', 'appeal ' || v_a.status);
  end if;
  if p_approve and v_a.reason = 'wrong_unit' and (
       p_reroute_unit_id is null or p_reroute_unit_id = v_a.unit_id
       or not exists (select 1 from app.units u where u.id = p_reroute_unit_id and app.is_region_supervisor(u.region_code))) then
    perform app.raise_error('invalid_input', 'p_reroute_unit_id');
  end if;

  if not p_approve then
    v_due := app.start_rectification(v_a.work_order_id);
    v_wo := app.transition_work_order(v_a.work_order_id, 'reject_appeal', btrim(p_note), v_due);
  elsif v_a.reason = 'wrong_unit' then
    v_wo := app.transition_work_order(v_a.work_order_id, 'reroute', btrim(p_note), null, jsonb_build_object('to_unit_id', p_reroute_unit_id));
    -- 谁办理、谁负责: the responsible unit gets a fresh order for the same 差评.
    insert into app.work_orders (
      rating_id, transaction_id, unit_id, region_code, window_id, staff_user_id, matter_id, channel, rated_day,
      is_realname, opened_at, verify_due_on, verify_due_provisional, rerouted_from_id
    )
    select w.rating_id, w.transaction_id, u.id, u.region_code, null, null, w.matter_id, w.channel, w.rated_day,
           w.is_realname, now(), d.due_on, d.is_provisional, w.id
    from app.work_orders w
    join app.units u on u.id = p_reroute_unit_id
    cross join lateral public.working_deadline((now() at time zone 'Asia/Shanghai')::date, (select p.verify_working_days from app.loop_policy p)) d
    where w.id = v_a.work_order_id
    returning work_orders.id into v_new;
    perform app.audit('work_order', v_new, 'opened', (select u.region_code from app.units u where u.id = p_reroute_unit_id),
                      null, 'pending_verification', v_new, null,
                      (select w.verify_due_on from app.work_orders w where w.id = v_new), jsonb_build_object('rerouted_from', v_a.work_order_id));
  else
    v_wo := app.transition_work_order(v_a.work_order_id, 'approve_appeal', btrim(p_note));
    update app.ratings r set validity = 'invalid' where r.id = v_wo.rating_id;
  end if;

  update app.appeals a
  set status = case when p_approve then 'approved' else 'rejected' end, decided_by = v_uid, decided_at = now(),
      decision_note = btrim(p_note), reroute_unit_id = case when p_approve then p_reroute_unit_id end
  where a.id = p_appeal_id;
  perform app.audit('appeal', p_appeal_id, 'decided', v_a.region_code, 'pending', case when p_approve then 'approved' else 'rejected' end,
                    v_a.work_order_id, btrim(p_note));
  return query select p_appeal_id, case when p_approve then 'approved' else 'rejected' end, v_wo.status, v_new;
end;
$$;
comment on function public.review_appeal(uuid, boolean, text, uuid) is
  'R11: a supervisor of the region approves (rating invalid; or, for 非本单位职责, rerouted to p_reroute_unit_id) or rejects (整改 due 15 working days later).';

create function public.appeals_to_review(p_status text default 'pending')
returns table (
  id uuid,
  work_order_id uuid,
  unit_name text,
  region_code text,
  reason text,
  statement text,
  evidence uuid[],
  status text,
  decision_note text,
  created_at timestamptz,
  level smallint,
  tags text[],
  comment text,
  project_no text,
  matter_name text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_status is not null and p_status not in ('pending', 'approved', 'rejected') then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
  return query
  select a.id, a.work_order_id, u.name, a.region_code, a.reason, a.statement, a.evidence, a.status, a.decision_note, a.created_at,
         r.level, r.tags, r.comment, t.project_no, m.name
  from app.appeals a
  join app.work_orders w on w.id = a.work_order_id
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = a.unit_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  where a.region_code in (select app.my_region_codes())
    and (p_status is null or a.status = p_status)
  order by a.created_at;
end;
$$;
comment on function public.appeals_to_review(text) is 'Supervisors: appeals of their region with the rating beside the statement (no rater identity).';

revoke execute on function
  public.submit_appeal(uuid, text, text, uuid[]), public.review_appeal(uuid, boolean, text, uuid), public.appeals_to_review(text)
from public, anon;
grant execute on function
  public.submit_appeal(uuid, text, text, uuid[]), public.review_appeal(uuid, boolean, text, uuid), public.appeals_to_review(text)
to authenticated;
