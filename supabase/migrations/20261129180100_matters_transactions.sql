-- 事项 (service matters, from the 办事指南) and 办件 (transactions). A 办件 that reaches 办结
-- gets its rating deadline (R5): the end of the 5th working day after the day it finished
-- (Asia/Shanghai), from the working-day calendar (R6), flagged when that calendar is provisional.

create table app.matters (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  name text not null,
  unit_id uuid not null references app.units (id),
  handling_channels text[] not null default '{window}',
  rating_channels text[] not null default '{mobile,qrcode,hall_pad}',
  promised_working_days int check (promised_working_days >= 0)
);
comment on table app.matters is '政务服务事项 with the 办事指南 fields that matter here: 受理单位 (unit_id), 办理渠道, 评价渠道, 承诺时限 (working days).';
create index matters_unit_id_idx on app.matters (unit_id);
alter table app.matters enable row level security;
create policy matters_select on app.matters for select to anon, authenticated using (true);
grant select on app.matters to anon, authenticated, service_role;

create table app.transactions (
  id uuid primary key default gen_random_uuid(),
  project_no text not null unique,
  matter_id uuid not null references app.matters (id),
  unit_id uuid not null references app.units (id),
  region_code text not null references app.regions (code),
  hall_id uuid references app.halls (id),
  window_id uuid references app.windows (id),
  staff_user_id uuid references app.users (id),
  platform_id uuid references app.platforms (id),
  applicant_user_id uuid references app.users (id),
  applicant_type smallint not null default 1 check (applicant_type in (1, 2, 3, 4, 5, 6, 9)),
  agent_user_id uuid references app.users (id),
  channel text not null check (channel in ('pc', 'mobile', 'qrcode', 'hall_pad', 'hall_terminal', 'phone', 'sms')),
  status text not null default 'accepted' check (status in ('accepted', 'processing', 'finished', 'cancelled')),
  accepted_at timestamptz not null,
  finished_at timestamptz,
  rating_due_at timestamptz,
  rating_due_provisional boolean,
  first_rating_id uuid,
  created_at timestamptz not null default now(),
  check ((status = 'finished') = (finished_at is not null)),
  check (finished_at is null or finished_at >= accepted_at)
);
comment on table app.transactions is '办件. project_no is the 办件编号 (unique across systems). applicant_type is userProp (SPEC §6).';
comment on column app.transactions.rating_due_at is 'R5: the instant the rating window closes (end of the 5th working day after the finish day, Asia/Shanghai). Null until 办结.';
comment on column app.transactions.rating_due_provisional is 'R6: the deadline was computed on a provisional (not yet announced) calendar year.';
comment on column app.transactions.first_rating_id is 'The rating with assess_number 1, once there is one (kept by a trigger on app.ratings).';
create index transactions_matter_id_idx on app.transactions (matter_id);
create index transactions_unit_id_idx on app.transactions (unit_id);
create index transactions_region_code_idx on app.transactions (region_code);
create index transactions_hall_id_idx on app.transactions (hall_id);
create index transactions_window_id_idx on app.transactions (window_id);
create index transactions_staff_user_id_idx on app.transactions (staff_user_id);
create index transactions_platform_id_idx on app.transactions (platform_id);
create index transactions_applicant_user_id_idx on app.transactions (applicant_user_id);
create index transactions_agent_user_id_idx on app.transactions (agent_user_id);
-- The default job's work list: finished, not yet rated, in primary-key order for keyset batches.
create index transactions_awaiting_rating_idx on app.transactions (id) include (rating_due_at)
  where status = 'finished' and first_rating_id is null;

alter table app.transactions enable row level security;
-- R4/R13: a citizen sees the 办件 they applied for or acted as agent in; staff their units';
-- supervisors their regions'. Nobody writes through the API: 办件 come from business systems.
create policy transactions_select on app.transactions for select to authenticated using (
  applicant_user_id = (select auth.uid())
  or agent_user_id = (select auth.uid())
  or unit_id in (select app.my_unit_ids())
  or region_code in (select app.my_region_codes())
);
grant select on app.transactions to authenticated, service_role;
grant insert, update on app.transactions to service_role;

-- The rating deadline follows the finish time; recomputed if a business system corrects it.
create function app.set_rating_deadline()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_due date;
  v_provisional boolean;
begin
  if new.finished_at is null then
    new.rating_due_at := null;
    new.rating_due_provisional := null;
  elsif tg_op = 'INSERT' or new.finished_at is distinct from old.finished_at then
    select d.due_on, d.is_provisional into v_due, v_provisional
    from public.working_deadline((new.finished_at at time zone 'Asia/Shanghai')::date, 5) d;
    new.rating_due_at := ((v_due + 1)::timestamp at time zone 'Asia/Shanghai');
    new.rating_due_provisional := v_provisional;
  end if;
  return new;
end;
$$;
comment on function app.set_rating_deadline() is 'R5: rating_due_at = end of the 5th working day after the finish day (Asia/Shanghai).';

create trigger transactions_rating_deadline
  before insert or update of finished_at on app.transactions
  for each row execute function app.set_rating_deadline();
