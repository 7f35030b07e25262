-- Issue 20.3: bad input that reaches the value. admin_assign_window took any date PostgreSQL
-- can hold: an assignment valid from '-infinity' or 0001 BC, or until 'infinity' or the year
-- 99999, was written and then counted as current for ever (an open end is NULL, not infinity).
-- Both ends must now be finite days within the working-day calendar's range (1900–9999, as
-- set_calendar_year_announced); anything else is invalid_input and nothing is written.
-- Unchanged otherwise; create or replace keeps the grants and the comment.
create or replace function public.admin_assign_window(p_user_id uuid, p_window_id uuid, p_valid_from date, p_valid_to date default null)
returns table (assignment_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_w app.windows;
  v_id uuid;
begin
  select * into v_w from app.windows w where w.id = p_window_id;
  if not found then
    perform app.raise_error('not_found', 'p_window_id');
  end if;
  perform app.require_role_manager('staff', v_w.unit_id, null);
  if not exists (select 1 from app.staff_roles s where s.user_id = p_user_id and s.unit_id = v_w.unit_id and s.role in ('staff', 'unit_admin')) then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  if p_valid_from is null or (p_valid_to is not null and p_valid_to < p_valid_from)
     or p_valid_from not between date '1900-01-01' and date '9999-12-31'
     or (p_valid_to is not null and p_valid_to not between date '1900-01-01' and date '9999-12-31') then
    perform app.raise_error('invalid_input', 'p_valid_from/p_valid_to');
  end if;
  insert into app.staff_assignments (user_id, unit_id, window_id, valid_from, valid_to)
  values (p_user_id, v_w.unit_id, p_window_id, p_valid_from, p_valid_to)
  returning app.staff_assignments.id into v_id;
  perform app.audit('admin', v_id, 'window_assigned', (select u.region_code from app.units u where u.id = v_w.unit_id),
                    null, null, null, null, null, jsonb_build_object('user_id', p_user_id, 'window_id', p_window_id, 'from', p_valid_from, 'to', p_valid_to));
  return query select v_id;
end;
$$;
