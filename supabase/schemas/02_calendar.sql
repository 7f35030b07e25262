-- Working-day calendar: 法定节假日 and 调休 days (rows loaded by migrations from chinese-days, edited
-- by supervisors), announced years, and the working-day arithmetic every deadline uses
-- (add_working_days refuses dates outside the supported range; the unbounded form is internal).

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.calendar_years (
  year       integer                  not null,
  source     text                     not null,
  loaded_at  timestamp with time zone not null default now(),
  updated_by uuid,
  constraint calendar_years_pkey primary key (year),
  constraint calendar_years_source_check check ((source = any (array['chinese-days'::text, 'supervisor'::text]))),
  constraint calendar_years_year_check check (((year >= 1900) and (year <= 9999)))
);
alter table app.calendar_years
  enable row level security;
alter table app.calendar_years
  add constraint calendar_years_updated_by_fkey foreign key (updated_by) references app.users(id);
create index calendar_years_updated_by_idx on app.calendar_years using btree (updated_by);
comment on table app.calendar_years is 'Years whose official holiday schedule is loaded (announced). Any other year is provisional (R6).';
comment on column app.calendar_years.updated_by is 'The supervisor who marked the year announced; null for package data.';
grant select on table app.calendar_years to anon, authenticated;
grant select on table app.calendar_years to service_role;

create table app.calendar_days (
  day        date                     not null,
  is_workday boolean                  not null,
  kind text generated always as (
    case
        when (not is_workday) then 'holiday'::text
        when (extract(isodow from day) >= (6)::numeric) then 'makeup_workday'::text
        else 'workday'::text
    end) stored not null,
  name       text,
  note       text,
  source     text                     not null,
  updated_by uuid,
  updated_at timestamp with time zone not null default now(),
  constraint calendar_days_note_check check ((char_length(note) <= 200)),
  constraint calendar_days_pkey primary key (day),
  constraint calendar_days_source_check check ((source = any (array['chinese-days'::text, 'supervisor'::text])))
);
alter table app.calendar_days
  enable row level security;
alter table app.calendar_days
  add constraint calendar_days_updated_by_fkey foreign key (updated_by) references app.users(id);
create index calendar_days_updated_by_idx on app.calendar_days using btree (updated_by);
comment on table app.calendar_days is 'Exceptions to the weekend rule (a day without a row is a workday Monday–Friday). Written only by the data migration and public.set_calendar_day.';
comment on column app.calendar_days.kind is 'Derived: holiday (not worked), makeup_workday (调休: a worked Saturday/Sunday), workday (a weekday a supervisor keeps working although a provisional year''s statutory holiday falls on it).';
comment on column app.calendar_days.name is 'Holiday name, e.g. 春节; for a make-up workday the holiday it makes up for.';
comment on column app.calendar_days.source is 'chinese-days (package data, replaced when the package is updated) or supervisor (kept over package data).';
grant select on table app.calendar_days to anon, authenticated;
grant select on table app.calendar_days to service_role;

create table app.statutory_holidays (
  day  date not null,
  name text not null,
  constraint statutory_holidays_pkey primary key (day)
);
alter table app.statutory_holidays
  enable row level security;
comment on table app.statutory_holidays is 'Holidays fixed by law (current law, 13 days a year), used only for provisional years. Generated from chinese-days lunar and solar-term tables.';
grant select on table app.statutory_holidays to anon, authenticated;
grant select on table app.statutory_holidays to service_role;

create or replace function app.calendar_range (
  p_from date,
  p_to   date
)
  returns table (
    day            date,
    is_workday     boolean,
    is_provisional boolean
  )
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_announced int[] := array(
    select y.year from app.calendar_years y
    where y.year between extract(year from p_from)::int and extract(year from p_to)::int);
begin
  return query
  select d.day,
         coalesce((select c.is_workday from app.calendar_days c where c.day = d.day),
                  extract(isodow from d.day) < 6
                  and (not d.provisional or (select true from app.statutory_holidays s where s.day = d.day) is null)),
         d.provisional
  from (select p_from + g.i as day, extract(year from p_from + g.i)::int <> all (v_announced) as provisional
        from generate_series(0, p_to - p_from) as g (i)) d
  order by d.day;
end;
$function$;
comment on function app.calendar_range(date, date) is 'Each day of [p_from, p_to] with is_workday and is_provisional (R6). Empty when p_to < p_from or either is null.';
revoke all on function app.calendar_range(date, date) from public;
grant execute on function app.calendar_range(date, date) to anon, authenticated, service_role;

create or replace function app.is_working_day (
  p_day date
)
  returns boolean
  language plpgsql
  stable
  set search_path to ''
  as $function$
begin
  return (select r.is_workday from app.calendar_range(p_day, p_day) r);
end;
$function$;
comment on function app.is_working_day(date) is 'Whether p_day is a working day (R6); null for null.';
revoke all on function app.is_working_day(date) from public;
grant execute on function app.is_working_day(date) to anon, authenticated, service_role;

create or replace function public.add_working_days (
  p_from date,
  p_n    integer
)
  returns date
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_due date;
begin
  if p_from is null or p_from not between date '2000-01-01' and date '2099-12-31' then
    perform app.raise_error('invalid_input', 'p_from');
  end if;
  v_due := app.add_working_days_unbounded(p_from, p_n);
  if v_due > date '2099-12-31' then
    perform app.raise_error('invalid_input', 'p_n');
  end if;
  return v_due;
end;
$function$;
comment on function public.add_working_days(date, integer) is 'The p_n-th working day strictly after p_from (R5, R6); p_n in 0..1000, 0 gives p_from; days within 2000-01-01..2099-12-31. Twin of addWorkingDays in shared/calendar.';
revoke all on function public.add_working_days(date, integer) from public;
grant execute on function public.add_working_days(date, integer) to anon, authenticated, service_role;

create or replace function public.working_deadline (
  p_from date,
  p_n    integer
)
  returns table (
    due_on         date,
    is_provisional boolean
  )
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_due date := public.add_working_days(p_from, p_n);
begin
  return query
  select v_due, v_due > p_from and exists (
    select 1 from generate_series(extract(year from p_from + 1)::int, extract(year from v_due)::int) as g (y)
    where not exists (select 1 from app.calendar_years cy where cy.year = g.y));
end;
$function$;
comment on function public.working_deadline(date, integer) is 'add_working_days(p_from, p_n) and whether it depends on a provisional year (R6). Twin of workingDeadline in shared/calendar.';
revoke all on function public.working_deadline(date, integer) from public;
grant execute on function public.working_deadline(date, integer) to anon, authenticated, service_role;

create or replace function app.assert_calendar_editor()
  returns uuid
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_uid uuid := (select auth.uid());
begin
  if v_uid is null then
    perform app.raise_error('unauthorized');
  end if;
  if not exists (
    select 1 from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor' and r.level in ('province', 'city')) then
    perform app.raise_error('forbidden');
  end if;
  return v_uid;
end;
$function$;
comment on function app.assert_calendar_editor() is 'The caller''s id if they may edit the calendar (a city supervisor); raises unauthorized / forbidden otherwise.';
revoke all on function app.assert_calendar_editor() from public;

create or replace function public.set_calendar_day (
  p_day        date,
  p_is_workday boolean,
  p_note       text
)
  returns table (
    day          date,
    is_workday   boolean,
    is_exception boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.assert_calendar_editor();
  v_weekday boolean;
  v_rule boolean;
  v_keep boolean;
begin
  if p_day is null or not isfinite(p_day) or extract(year from p_day) not between 1900 and 9999 then
    perform app.raise_error('invalid_input', 'p_day');
  end if;
  if p_is_workday is null then
    perform app.raise_error('invalid_input', 'p_is_workday');
  end if;
  if p_note is null or btrim(p_note) = '' or char_length(btrim(p_note)) > 200 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;

  v_weekday := extract(isodow from p_day) < 6;
  v_rule := v_weekday and (
    exists (select 1 from app.calendar_years y where y.year = extract(year from p_day)::int)
    or not exists (select 1 from app.statutory_holidays s where s.day = p_day));
  v_keep := p_is_workday <> v_weekday or p_is_workday <> v_rule;

  if v_keep then
    insert into app.calendar_days as c (day, is_workday, name, note, source, updated_by, updated_at)
    values (p_day, p_is_workday, (select s.name from app.statutory_holidays s where s.day = p_day),
            btrim(p_note), 'supervisor', v_uid, now())
    on conflict on constraint calendar_days_pkey do update
      set is_workday = excluded.is_workday, note = excluded.note, source = excluded.source,
          updated_by = excluded.updated_by, updated_at = excluded.updated_at,
          name = coalesce(c.name, excluded.name);
  else
    delete from app.calendar_days c where c.day = p_day;
  end if;
  return query select p_day, p_is_workday, v_keep;
end;
$function$;
comment on function public.set_calendar_day(date, boolean, text) is 'City supervisors: make p_day a working day or not (R6), with a note (1–200 characters). Returns whether an exception row is stored.';
revoke all on function public.set_calendar_day(date, boolean, text) from public;
grant execute on function public.set_calendar_day(date, boolean, text) to authenticated, service_role;

create or replace function public.set_calendar_year_announced (
  p_year      integer,
  p_announced boolean
)
  returns boolean
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.assert_calendar_editor();
begin
  if p_year is null or p_year not between 1900 and 9999 then
    perform app.raise_error('invalid_input', 'p_year');
  end if;
  if p_announced is null then
    perform app.raise_error('invalid_input', 'p_announced');
  end if;
  if p_announced then
    insert into app.calendar_years (year, source, updated_by, loaded_at)
    values (p_year, 'supervisor', v_uid, now())
    on conflict do nothing;
  else
    delete from app.calendar_years y where y.year = p_year;
  end if;
  return p_announced;
end;
$function$;
comment on function public.set_calendar_year_announced(integer, boolean) is 'City supervisors: mark a year''s holiday schedule as announced (loaded) or not (R6).';
revoke all on function public.set_calendar_year_announced(integer, boolean) from public;
grant execute on function public.set_calendar_year_announced(integer, boolean) to authenticated, service_role;

create view public.calendar_days with (security_invoker=true) as  select day,
    is_workday,
    kind,
    name,
    note,
    source,
    updated_at
   from app.calendar_days;
comment on view public.calendar_days is 'Exceptions to the weekend rule (holidays on weekdays, make-up workdays on weekends), public.';
grant select on table public.calendar_days to anon, authenticated;
grant all on table public.calendar_days to service_role;

create view public.calendar_years with (security_invoker=true) as  select year,
    source,
    loaded_at
   from app.calendar_years;
comment on view public.calendar_years is 'Years whose holiday schedule is announced; other years are provisional.';
grant select on table public.calendar_years to anon, authenticated;
grant all on table public.calendar_years to service_role;

create view public.statutory_holidays with (security_invoker=true) as  select day,
    name
   from app.statutory_holidays;
comment on view public.statutory_holidays is 'Holidays fixed by law, the calendar of provisional years.';
grant select on table public.statutory_holidays to anon, authenticated;
grant all on table public.statutory_holidays to service_role;

create or replace function app.add_working_days_unbounded (
  p_from date,
  p_n    integer
)
  returns date
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_left int := p_n;
  v_start date;
  v_end date;
  v_due date;
  v_found int;
begin
  if p_from is null or not isfinite(p_from) then
    perform app.raise_error('invalid_input', 'p_from');
  end if;
  if p_n is null or p_n < 0 or p_n > 1000 then
    perform app.raise_error('invalid_input', 'p_n');
  end if;
  if p_n = 0 then
    return p_from;
  end if;
  v_start := p_from + 1;
  loop
    v_end := v_start + v_left + v_left / 2 + 14;
    select max(w.day) filter (where w.k = v_left), count(*)::int
      into v_due, v_found
      from (select r.day, row_number() over (order by r.day) as k
              from app.calendar_range(v_start, v_end) r
             where r.is_workday) w;
    if v_due is not null then
      return v_due;
    end if;
    v_left := v_left - v_found;
    v_start := v_end + 1;
  end loop;
end;
$function$;
comment on function app.add_working_days_unbounded(date, integer) is 'The p_n-th working day strictly after p_from (R5, R6); p_n in 0..1000, 0 gives p_from. Twin of addWorkingDays in shared/calendar.';
revoke all on function app.add_working_days_unbounded(date, integer) from public;

create or replace function app.audit_calendar_change()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  -- NEW is null on DELETE, OLD on INSERT; the row as it is now (or was) names the day or year.
  v_new jsonb := case when tg_op = 'DELETE' then null else to_jsonb(new) end;
  v_row jsonb := coalesce(v_new, to_jsonb(old));
  v_is_day boolean := tg_table_name = 'calendar_days';
  v_key text := case when v_is_day then 'day:' || (v_row ->> 'day') else 'year:' || (v_row ->> 'year') end;
begin
  perform app.audit(
    'calendar', md5('calendar:' || v_key)::uuid,
    case when v_is_day then case when tg_op = 'DELETE' then 'day_reset' else 'day_set' end
         else case when tg_op = 'DELETE' then 'year_unannounced' else 'year_announced' end end,
    '530900', null, null, null, v_new ->> 'note', null,
    case when v_is_day then jsonb_build_object('day', v_row ->> 'day', 'is_workday', (v_new ->> 'is_workday')::boolean)
         else jsonb_build_object('year', (v_row ->> 'year')::int) end);
  return null;
end;
$function$;
comment on function app.audit_calendar_change() is 'R6/R14: writes a signed-in supervisor''s change of a calendar day (set, or reset to the rules) or of a year''s announced mark to the audit log.';
revoke all on function app.audit_calendar_change() from public;

create trigger calendar_days_audit
  after insert or delete or update on app.calendar_days
  for each row
  when ((auth.uid() is not null))
  execute function app.audit_calendar_change();

create trigger calendar_years_audit
  after insert or delete or update on app.calendar_years
  for each row
  when ((auth.uid() is not null))
  execute function app.audit_calendar_change();

create policy calendar_years_select on app.calendar_years
  for select
  to anon, authenticated
  using (true);

create policy calendar_days_select on app.calendar_days
  for select
  to anon, authenticated
  using (true);

create policy statutory_holidays_select on app.statutory_holidays
  for select
  to anon, authenticated
  using (true);
