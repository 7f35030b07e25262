-- SPEC §5 unit_ratings(p_from, p_to): staff and unit admins read the ratings of their units over
-- a period (Asia/Shanghai days) — their own work flagged — with no rater identity (R13): no
-- rater, no 办件 applicant, not even the 匿名 flag. Supervisors use stats() and the loop RPCs.
-- Clients page with PostgREST's limit/offset or Range header.

create index ratings_unit_rated_at_idx on app.ratings (unit_id, rated_at);

create function public.unit_ratings(p_from date, p_to date)
returns table (
  id uuid,
  rated_at timestamptz,
  level smallint,
  is_bad boolean,
  tags text[],
  comment text,
  channel text,
  is_default boolean,
  assess_number smallint,
  validity text,
  unit_name text,
  matter_name text,
  window_name text,
  staff_name text,
  is_my_work boolean,
  work_order_id uuid,
  work_order_status text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 366 then
    perform app.raise_error('invalid_input', 'p_from/p_to');
  end if;
  return query
  select r.id, r.rated_at, r.level, r.is_bad, r.tags, r.comment, r.channel, r.is_default, r.assess_number, r.validity,
         u.name, m.name, w.name, s.masked_name, r.staff_user_id is not distinct from v_uid and v_uid is not null, wo.id, wo.status
  from app.ratings r
  join app.units u on u.id = r.unit_id
  left join app.matters m on m.id = r.matter_id
  left join app.windows w on w.id = r.window_id
  left join app.users s on s.id = r.staff_user_id
  left join app.work_orders wo on wo.rating_id = r.id and wo.status <> 'rerouted'
  where r.unit_id in (select app.my_unit_ids())
    and r.rated_at >= (p_from::timestamp at time zone 'Asia/Shanghai')
    and r.rated_at < ((p_to + 1)::timestamp at time zone 'Asia/Shanghai')
  order by r.rated_at desc, r.id;
end;
$$;
comment on function public.unit_ratings(date, date) is 'Staff and unit admins: ratings of their units in [p_from, p_to] (≤ 366 days), own work flagged, never the rater (R13).';
revoke execute on function public.unit_ratings(date, date) from public, anon;
grant execute on function public.unit_ratings(date, date) to authenticated;
