-- Tightening who may execute definer functions (found by supabase/tests/database/definer-grants.test.ts).
-- Trigger functions of the 差评 loop run as their owner (so a rating's writer cannot skip its
-- audit row or its work order); no role needs to call them, so PUBLIC's default grant goes.
revoke execute on function app.open_work_orders(), app.audit_rating_validity() from public;

-- Found by the definer-grants test: the calendar editors were executable by anon (they refused
-- anon inside, with unauthorized; now PostgREST refuses before they run).
revoke execute on function public.set_calendar_day(date, boolean, text), public.set_calendar_year_announced(integer, boolean) from public, anon;
grant execute on function public.set_calendar_day(date, boolean, text), public.set_calendar_year_announced(integer, boolean) to authenticated;
