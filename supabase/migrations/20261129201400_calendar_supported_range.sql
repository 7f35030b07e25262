-- R6: deadlines only where the calendar knows the holidays. The statutory holidays are loaded
-- through 2099 and nothing rated here predates 2000, so add_working_days refuses a start outside
-- 2000-01-01..2099-12-31, or a result after it, with invalid_input instead of a date that
-- silently ignores holidays. The counting itself is unchanged (moved to app, not copied);
-- shared/calendar's addWorkingDays applies the same bounds (FIRST/LAST_SUPPORTED_DAY).

alter function public.add_working_days(date, int) rename to add_working_days_unbounded;
alter function public.add_working_days_unbounded(date, int) set schema app;
revoke execute on function app.add_working_days_unbounded(date, int) from public, anon, authenticated, service_role;

create function public.add_working_days(p_from date, p_n int)
returns date
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.add_working_days(date, int) is 'The p_n-th working day strictly after p_from (R5, R6); p_n in 0..1000, 0 gives p_from; days within 2000-01-01..2099-12-31. Twin of addWorkingDays in shared/calendar.';
revoke execute on function public.add_working_days(date, int) from public;
grant execute on function public.add_working_days(date, int) to anon, authenticated, service_role;
