-- R6 working-day calendar, used by every deadline (R5 rating window, R8–R11 work orders).
-- A day is a working day when it is Monday–Friday, unless app.calendar_days says otherwise:
-- that table holds only the exceptions to the weekend rule (holidays on weekdays, 调休 make-up
-- workdays on weekends). Its rows come from the npm package chinese-days (generated migration
-- 20261129170100) and from city supervisors (set_calendar_day).
-- The State Council announces a year's schedule only in the autumn before, so a year missing
-- from app.calendar_years is *provisional*: weekends plus the holidays fixed by law
-- (全国年节及纪念日放假办法 as revised in 2024: 元旦 1/1, 春节 除夕–初三, 清明, 劳动节 5/1–2,
-- 端午, 中秋, 国庆 10/1–3), precomputed in app.statutory_holidays because lunar dates and solar
-- terms cannot be computed in SQL. No make-up workday is guessed for a provisional year, and
-- every deadline that reaches into one says so (working_deadline.is_provisional).
-- shared/calendar/ is the TypeScript twin of these functions; a database test compares them.

create table app.calendar_years (
  year int primary key check (year between 1900 and 9999),
  source text not null check (source in ('chinese-days', 'supervisor')),
  loaded_at timestamptz not null default now(),
  updated_by uuid references app.users (id)
);
comment on table app.calendar_years is 'Years whose official holiday schedule is loaded (announced). Any other year is provisional (R6).';
comment on column app.calendar_years.updated_by is 'The supervisor who marked the year announced; null for package data.';
create index calendar_years_updated_by_idx on app.calendar_years (updated_by);
alter table app.calendar_years enable row level security;
create policy calendar_years_select on app.calendar_years for select to anon, authenticated using (true);
grant select on app.calendar_years to anon, authenticated, service_role;

create table app.calendar_days (
  day date primary key,
  is_workday boolean not null,
  kind text not null generated always as (
    case when not is_workday then 'holiday'
         when extract(isodow from day) >= 6 then 'makeup_workday'
         else 'workday' end
  ) stored,
  name text,
  note text check (char_length(note) <= 200),
  source text not null check (source in ('chinese-days', 'supervisor')),
  updated_by uuid references app.users (id),
  updated_at timestamptz not null default now()
);
comment on table app.calendar_days is 'Exceptions to the weekend rule (a day without a row is a workday Monday–Friday). Written only by the data migration and public.set_calendar_day.';
comment on column app.calendar_days.kind is 'Derived: holiday (not worked), makeup_workday (调休: a worked Saturday/Sunday), workday (a weekday a supervisor keeps working although a provisional year''s statutory holiday falls on it).';
comment on column app.calendar_days.name is 'Holiday name, e.g. 春节; for a make-up workday the holiday it makes up for.';
comment on column app.calendar_days.source is 'chinese-days (package data, replaced when the package is updated) or supervisor (kept over package data).';
create index calendar_days_updated_by_idx on app.calendar_days (updated_by);
alter table app.calendar_days enable row level security;
create policy calendar_days_select on app.calendar_days for select to anon, authenticated using (true);
grant select on app.calendar_days to anon, authenticated, service_role;

create table app.statutory_holidays (
  day date primary key,
  name text not null
);
comment on table app.statutory_holidays is 'Holidays fixed by law (current law, 13 days a year), used only for provisional years. Generated from chinese-days lunar and solar-term tables.';
alter table app.statutory_holidays enable row level security;
create policy statutory_holidays_select on app.statutory_holidays for select to anon, authenticated using (true);
grant select on app.statutory_holidays to anon, authenticated, service_role;

-- The one place the rule is written: every day of [p_from, p_to], whether it is worked, and
-- whether its year is provisional. An exception row wins; otherwise a weekday is worked unless
-- its year is provisional and the day is a statutory holiday. PL/pgSQL so that the plan is
-- cached, and per-day scalar subqueries so that it stays index lookups (a generic plan with
-- joins would hash whole tables on every call).
create function app.calendar_range(p_from date, p_to date)
returns table (day date, is_workday boolean, is_provisional boolean)
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function app.calendar_range(date, date) is 'Each day of [p_from, p_to] with is_workday and is_provisional (R6). Empty when p_to < p_from or either is null.';
revoke execute on function app.calendar_range(date, date) from public;
grant execute on function app.calendar_range(date, date) to anon, authenticated, service_role;

create function app.is_working_day(p_day date)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  return (select r.is_workday from app.calendar_range(p_day, p_day) r);
end;
$$;
comment on function app.is_working_day(date) is 'Whether p_day is a working day (R6); null for null.';
revoke execute on function app.is_working_day(date) from public;
grant execute on function app.is_working_day(date) to anon, authenticated, service_role;

-- The n-th working day strictly after p_from. p_from is day 0 and never counts, even when it is
-- a working day; a 办件 finished on a holiday counts from the next working days. n = 0 gives
-- p_from. R5: a 办件 finished on day D (Asia/Shanghai) may be rated until the end of
-- add_working_days(D, 5). Looks at a window of 1.5n + 15 days at a time (one indexed query; a
-- second window only after an unusually long run of holidays), never at whole years.
create function public.add_working_days(p_from date, p_n int)
returns date
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function public.add_working_days(date, int) is 'The p_n-th working day strictly after p_from (R5, R6); p_n in 0..1000, 0 gives p_from. Twin of addWorkingDays in shared/calendar.';
revoke execute on function public.add_working_days(date, int) from public;
grant execute on function public.add_working_days(date, int) to anon, authenticated, service_role;

-- is_provisional: some day of (p_from, due_on] lies in a year whose schedule is not loaded, so
-- the date may still move when that year is announced. Never true for n = 0.
create function public.working_deadline(p_from date, p_n int)
returns table (due_on date, is_provisional boolean)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_due date := public.add_working_days(p_from, p_n);
begin
  return query
  select v_due, v_due > p_from and exists (
    select 1 from generate_series(extract(year from p_from + 1)::int, extract(year from v_due)::int) as g (y)
    where not exists (select 1 from app.calendar_years cy where cy.year = g.y));
end;
$$;
comment on function public.working_deadline(date, int) is 'add_working_days(p_from, p_n) and whether it depends on a provisional year (R6). Twin of workingDeadline in shared/calendar.';
revoke execute on function public.working_deadline(date, int) from public;
grant execute on function public.working_deadline(date, int) to anon, authenticated, service_role;

-- The calendar is city-wide: only supervisors of a region above county level (临沧市, 530900)
-- may edit it. Raises unauthorized without a signed-in user and forbidden for anyone else.
create function app.assert_calendar_editor()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function app.assert_calendar_editor() is 'The caller''s id if they may edit the calendar (a city supervisor); raises unauthorized / forbidden otherwise.';
revoke execute on function app.assert_calendar_editor() from public;

-- Sets one day worked or not, with a note saying why (e.g. the notice that announced it).
-- The exception row is dropped when it says only what the rules say without it: the weekend
-- rule and, in a provisional year, the statutory holidays. A holiday set on a statutory weekday
-- of a provisional year is therefore kept, so it survives the year being announced. A supervisor
-- row is never replaced by later package data. Setting days does not announce the year: a
-- schedule entered day by day would otherwise lose its statutory holidays half way; see
-- set_calendar_year_announced.
create function public.set_calendar_day(p_day date, p_is_workday boolean, p_note text)
returns table (day date, is_workday boolean, is_exception boolean)
language plpgsql
volatile
security definer
set search_path = ''
as $$
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
$$;
comment on function public.set_calendar_day(date, boolean, text) is 'City supervisors: make p_day a working day or not (R6), with a note (1–200 characters). Returns whether an exception row is stored.';
revoke execute on function public.set_calendar_day(date, boolean, text) from public;
grant execute on function public.set_calendar_day(date, boolean, text) to anon, authenticated, service_role;

-- Marks a year's schedule as loaded once its make-up workdays and holidays are entered (or
-- withdraws the mark): its deadlines stop being provisional and the statutory fallback no
-- longer applies to it.
create function public.set_calendar_year_announced(p_year int, p_announced boolean)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
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
$$;
comment on function public.set_calendar_year_announced(int, boolean) is 'City supervisors: mark a year''s holiday schedule as announced (loaded) or not (R6).';
revoke execute on function public.set_calendar_year_announced(int, boolean) from public;
grant execute on function public.set_calendar_year_announced(int, boolean) to anon, authenticated, service_role;

-- Over one table each, so that writes through them meet the missing privilege (42501).
create view public.calendar_days with (security_invoker = true) as
  select day, is_workday, kind, name, note, source, updated_at from app.calendar_days;
comment on view public.calendar_days is 'Exceptions to the weekend rule (holidays on weekdays, make-up workdays on weekends), public.';

create view public.calendar_years with (security_invoker = true) as
  select year, source, loaded_at from app.calendar_years;
comment on view public.calendar_years is 'Years whose holiday schedule is announced; other years are provisional.';

create view public.statutory_holidays with (security_invoker = true) as
  select day, name from app.statutory_holidays;
comment on view public.statutory_holidays is 'Holidays fixed by law, the calendar of provisional years.';

revoke all on public.calendar_days, public.calendar_years, public.statutory_holidays from anon, authenticated;
grant select on public.calendar_days, public.calendar_years, public.statutory_holidays to anon, authenticated, service_role;
