-- R8–R12: the 差评工单. Every non-default 差评 (assess_number 1, valid) opens one, routed to the
-- unit that handled the 办件 (谁办理、谁负责), with its verification due date from the working-day
-- calendar. The state machine is data (app.work_order_transitions) and one function,
-- app.transition_work_order, is the only writer of `status`: it locks the row, refuses any move
-- the table does not list with invalid_transition, and writes the audit row (R14).

create table app.loop_policy (
  id boolean primary key default true check (id),
  verify_working_days int not null default 1 check (verify_working_days between 1 and 10),
  rectify_working_days int not null default 15 check (rectify_working_days between 1 and 60),
  max_extensions int not null default 2 check (max_extensions between 0 and 5),
  max_extension_days int not null default 60 check (max_extension_days between 1 and 365),
  concentration_threshold int not null default 3 check (concentration_threshold >= 2),
  concentration_days int not null default 30 check (concentration_days between 7 and 366)
);
comment on table app.loop_policy is 'Policy settings of the 差评 loop (one row): 核实 1 working day (R8), 整改 15 working days (R10), extensions, 重点监督 threshold (R19: ≥ 3 差评 in 30 days).';
insert into app.loop_policy default values;
alter table app.loop_policy enable row level security;
create policy loop_policy_select on app.loop_policy for select to authenticated using (true);
grant select on app.loop_policy to authenticated, service_role;

create table app.work_orders (
  id uuid primary key default gen_random_uuid(),
  rating_id uuid not null references app.ratings (id),
  transaction_id uuid references app.transactions (id),
  unit_id uuid not null references app.units (id),
  region_code text not null references app.regions (code),
  window_id uuid references app.windows (id),
  staff_user_id uuid references app.users (id),
  matter_id uuid references app.matters (id),
  channel text not null,
  rated_day date not null,
  is_realname boolean not null,
  status text not null default 'pending_verification' check (status in (
    'pending_verification', 'appealing', 'rectifying', 'rectified', 'replied', 'closed',
    'dismissed', 'rerouted', 'overdue', 'reopened')),
  opened_at timestamptz not null,
  verify_due_on date not null,
  verify_due_provisional boolean not null default false,
  handler_user_id uuid references app.users (id),
  verified_at timestamptz,
  substantiated_at timestamptz,
  rectify_due_on date,
  rectify_due_provisional boolean,
  extension_count int not null default 0,
  rectified_at timestamptz,
  measures text check (char_length(measures) <= 2000),
  root_cause text check (char_length(root_cause) <= 2000),
  evidence uuid[] not null default '{}',
  replied_at timestamptz,
  reply text check (char_length(reply) <= 2000),
  return_visit_method text check (return_visit_method in ('phone', 'sms', 'onsite', 'online')),
  return_visit_on date,
  return_visit_satisfaction text check (return_visit_satisfaction in ('satisfied', 'basically_satisfied', 'dissatisfied')),
  return_visit_note text check (char_length(return_visit_note) <= 1000),
  return_visit_recorded_at timestamptz,
  fix_level smallint check (fix_level between 1 and 5),
  fix_rated_at timestamptz,
  reopen_count int not null default 0,
  escalated_at timestamptz,
  escalation_reason text,
  closed_at timestamptz,
  rereview_requested_at timestamptz,
  rereview_reason text check (char_length(rereview_reason) <= 500),
  rereview_decided_at timestamptz,
  rerouted_from_id uuid references app.work_orders (id),
  updated_at timestamptz not null default now()
);
comment on table app.work_orders is '差评工单 (R8–R12). unit_id = the responsible unit; window/officer/事项/channel/rated_day are copied from the rating for the loop metrics.';
comment on column app.work_orders.is_realname is 'The 差评 is real-name: rated by a real-name user who did not choose 匿名. Such orders close only after a 回访 (R12).';
comment on column app.work_orders.substantiated_at is '查实: verified by the unit, or the unit''s appeal rejected, or a dismissal overturned on re-review. The denominator of 整改率.';
comment on column app.work_orders.rectify_due_on is 'Last working day for 整改: 15 working days after the day it was substantiated, or the extension''s date (R10).';
comment on column app.work_orders.escalated_at is 'Escalated to the supervisor (overdue, or the rater unsatisfied with the fix).';
-- One live order per 差评; a rerouted one stays beside the order that replaced it.
create unique index work_orders_one_live_per_rating on app.work_orders (rating_id) where status <> 'rerouted';
create index work_orders_rating_id_idx on app.work_orders (rating_id);
create index work_orders_unit_status_idx on app.work_orders (unit_id, status);
create index work_orders_region_day_idx on app.work_orders (region_code, rated_day);
create index work_orders_status_due_idx on app.work_orders (status, rectify_due_on);
create index work_orders_transaction_id_idx on app.work_orders (transaction_id);
create index work_orders_window_id_idx on app.work_orders (window_id);
create index work_orders_staff_user_id_idx on app.work_orders (staff_user_id);
create index work_orders_matter_id_idx on app.work_orders (matter_id);
create index work_orders_handler_user_id_idx on app.work_orders (handler_user_id);
create index work_orders_rerouted_from_id_idx on app.work_orders (rerouted_from_id);
alter table app.work_orders enable row level security;
-- Read through RPCs only (they strip rater identity); the service role reads for jobs.
create policy work_orders_select on app.work_orders for select to service_role using (true);
grant select on app.work_orders to service_role;

create table app.work_order_transitions (
  action text not null,
  from_status text not null,
  to_status text not null,
  primary key (action, from_status)
);
comment on table app.work_order_transitions is 'The state machine: the only moves app.transition_work_order allows. Anything else is invalid_transition.';
insert into app.work_order_transitions (action, from_status, to_status) values
  ('verify', 'pending_verification', 'rectifying'),
  ('appeal', 'pending_verification', 'appealing'),
  ('approve_appeal', 'appealing', 'dismissed'),
  ('reroute', 'appealing', 'rerouted'),
  ('reject_appeal', 'appealing', 'rectifying'),
  ('extend', 'rectifying', 'rectifying'),
  ('extend', 'overdue', 'rectifying'),
  ('extend', 'reopened', 'reopened'),
  ('rectify', 'rectifying', 'rectified'),
  ('rectify', 'overdue', 'rectified'),
  ('rectify', 'reopened', 'rectified'),
  ('reply', 'rectified', 'replied'),
  ('close', 'replied', 'closed'),
  ('mark_overdue', 'rectifying', 'overdue'),
  ('mark_overdue', 'reopened', 'overdue'),
  ('reopen', 'replied', 'reopened'),
  ('reopen', 'closed', 'reopened'),
  ('overturn_dismissal', 'dismissed', 'rectifying');
alter table app.work_order_transitions enable row level security;
create policy work_order_transitions_select on app.work_order_transitions for select to authenticated using (true);
grant select on app.work_order_transitions to authenticated, service_role;

-- The event names the timeline shows for each action (shared/work-orders.ts WORK_ORDER_EVENTS).
create function app.work_order_event(p_action text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case p_action
    when 'verify' then 'verified' when 'appeal' then 'appealed' when 'approve_appeal' then 'appeal_approved'
    when 'reroute' then 'rerouted' when 'reject_appeal' then 'appeal_rejected' when 'extend' then 'extended'
    when 'rectify' then 'rectified' when 'reply' then 'replied' when 'close' then 'closed'
    when 'mark_overdue' then 'overdue' when 'reopen' then 'reopened' when 'overturn_dismissal' then 'rereview_decided'
    else p_action end;
$$;

-- Moves one order by `p_action` from its current state, or raises invalid_transition. The row
-- lock serialises concurrent officers: the second one re-reads the new state and is refused.
create function app.transition_work_order(
  p_id uuid,
  p_action text,
  p_note text default null,
  p_due_on date default null,
  p_detail jsonb default '{}'
)
returns app.work_orders
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders;
  v_from text;
  v_to text;
begin
  select * into v_wo from app.work_orders w where w.id = p_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_from := v_wo.status;
  select t.to_status into v_to from app.work_order_transitions t where t.action = p_action and t.from_status = v_from;
  if v_to is null then
    perform app.raise_error('invalid_transition', v_from || ' -/-> ' || p_action);
  end if;
  update app.work_orders w set status = v_to, updated_at = now() where w.id = p_id returning * into v_wo;
  perform app.audit('work_order', p_id, app.work_order_event(p_action), v_wo.region_code,
                    v_from, v_to, p_id, p_note, p_due_on, p_detail);
  return v_wo;
end;
$$;
revoke execute on function app.transition_work_order(uuid, text, text, date, jsonb) from public, anon, authenticated, service_role;
