-- R6/R14: the working-day calendar decides every deadline (rating windows, 核实, 整改), so a
-- supervisor's change of a day, or of whether a year's schedule is announced, is written to the
-- append-only audit log: which day, worked or not, the note, who and when. Package data loaded by
-- migrations (no signed-in caller) is not audited; it is in the repository.

alter table app.audit_log drop constraint audit_log_entity_check;
alter table app.audit_log add constraint audit_log_entity_check
  check (entity in ('rating', 'work_order', 'appeal', 'rater_contact', 'admin', 'comment', 'comment_contact', 'ingest_key', 'upstream', 'calendar'));

-- The calendar is the city's (one for 临沧市): its rows are audited under 530900. A day or a year
-- has no uuid, so the audit row's entity id is derived from it (the same day, the same id).
create function app.audit_calendar_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function app.audit_calendar_change() is 'R6/R14: writes a signed-in supervisor''s change of a calendar day (set, or reset to the rules) or of a year''s announced mark to the audit log.';
revoke execute on function app.audit_calendar_change() from public, anon, authenticated, service_role;

-- Only changes a signed-in caller makes (set_calendar_day, set_calendar_year_announced).
create trigger calendar_days_audit
  after insert or update or delete on app.calendar_days
  for each row when (auth.uid() is not null)
  execute function app.audit_calendar_change();
create trigger calendar_years_audit
  after insert or update or delete on app.calendar_years
  for each row when (auth.uid() is not null)
  execute function app.audit_calendar_change();
