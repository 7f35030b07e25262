-- Export (supervisors): pages of ratings and of 差评 work orders of the regions a supervisor
-- oversees, for the export function to stream as CSV or XLSX. Keyset pages (after the last
-- row's time and id), so a year of a city's ratings is read page by page and never at once.
-- No rater identity in any column (R13): no rater id, name, phone or contact; the comment is
-- the rating's content. Metrics are exported from stats() itself.

create index ratings_rated_at_id_idx on app.ratings (rated_at, id);
create index work_orders_opened_at_id_idx on app.work_orders (opened_at, id);

-- The period as instants: p_from 00:00 to the end of p_to, Asia/Shanghai; at most 366 days.
create function app.export_period(p_from date, p_to date)
returns tstzrange
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_from is null or p_to is null or p_from > p_to then
    perform app.raise_error('invalid_input', 'p_from/p_to');
  end if;
  if p_to - p_from > 365 then
    perform app.raise_error('invalid_input', 'p_from/p_to: at most 366 days');
  end if;
  return tstzrange(p_from::timestamp at time zone 'Asia/Shanghai', (p_to + 1)::timestamp at time zone 'Asia/Shanghai', '[)');
end;
$$;
revoke execute on function app.export_period(date, date) from public, anon, authenticated;


create function public.export_ratings(
  p_from date,
  p_to date,
  p_region_code text default null,
  p_after_rated_at timestamptz default null,
  p_after_id uuid default null,
  p_limit int default 1000
)
returns table (
  id uuid,
  project_no text,
  assess_number smallint,
  matter_code text,
  matter_name text,
  unit_name text,
  unit_credit_code text,
  region_code text,
  region_name text,
  hall_name text,
  window_name text,
  officer text,
  channel text,
  level smallint,
  is_bad boolean,
  is_default boolean,
  tags text,
  tag_version smallint,
  comment text,
  validity text,
  rated_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_regions text[] := app.upstream_scope(p_region_code);
  v_period tstzrange := app.export_period(p_from, p_to);
begin
  if p_limit is null or p_limit < 1 or p_limit > 5000 then
    perform app.raise_error('invalid_input', 'p_limit must be 1..5000');
  end if;
  if (p_after_rated_at is null) <> (p_after_id is null) then
    perform app.raise_error('invalid_input', 'p_after_rated_at and p_after_id go together');
  end if;
  return query
  select r.id, t.project_no, r.assess_number, m.code, m.name, u.name, u.credit_code, r.region_code, rg.name,
         h.name, w.name, nullif(su.masked_name, ''), r.channel, r.level, r.is_bad, r.is_default,
         array_to_string(r.tags, ','), r.tag_version, r.comment, r.validity, r.rated_at
  from app.ratings r
  left join app.transactions t on t.id = r.transaction_id
  left join app.matters m on m.id = r.matter_id
  join app.units u on u.id = r.unit_id
  join app.regions rg on rg.code = r.region_code
  left join app.halls h on h.id = r.hall_id
  left join app.windows w on w.id = r.window_id
  left join app.users su on su.id = r.staff_user_id
  where r.rated_at >= lower(v_period) and r.rated_at < upper(v_period)
    and r.region_code = any (v_regions)
    and (p_after_id is null or (r.rated_at, r.id) > (p_after_rated_at, p_after_id))
  order by r.rated_at, r.id
  limit p_limit;
end;
$$;
comment on function public.export_ratings(date, date, text, timestamptz, uuid, int) is 'Export for supervisors: ratings of their regions rated in [p_from, p_to] (Asia/Shanghai days), ordered by (rated_at, id); the next page starts after the last row''s (rated_at, id). Never the rater''s identity. level: 5 非常满意 … 1 非常不满意 (R1).';
revoke execute on function public.export_ratings(date, date, text, timestamptz, uuid, int) from public, anon;
grant execute on function public.export_ratings(date, date, text, timestamptz, uuid, int) to authenticated;

create function public.export_work_orders(
  p_from date,
  p_to date,
  p_region_code text default null,
  p_after_opened_at timestamptz default null,
  p_after_id uuid default null,
  p_limit int default 1000
)
returns table (
  id uuid,
  project_no text,
  unit_name text,
  region_code text,
  region_name text,
  window_name text,
  officer text,
  channel text,
  level smallint,
  tags text,
  status text,
  is_realname boolean,
  opened_at timestamptz,
  verify_due_on date,
  substantiated_at timestamptz,
  rectify_due_on date,
  extension_count int,
  rectified_at timestamptz,
  measures text,
  replied_at timestamptz,
  reply text,
  return_visit_method text,
  return_visit_on date,
  return_visit_satisfaction text,
  fix_level smallint,
  escalated_at timestamptz,
  closed_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_regions text[] := app.upstream_scope(p_region_code);
  v_period tstzrange := app.export_period(p_from, p_to);
begin
  if p_limit is null or p_limit < 1 or p_limit > 5000 then
    perform app.raise_error('invalid_input', 'p_limit must be 1..5000');
  end if;
  if (p_after_opened_at is null) <> (p_after_id is null) then
    perform app.raise_error('invalid_input', 'p_after_opened_at and p_after_id go together');
  end if;
  return query
  select o.id, t.project_no, u.name, o.region_code, rg.name, w.name, nullif(su.masked_name, ''), o.channel,
         r.level, array_to_string(r.tags, ','), o.status, o.is_realname, o.opened_at, o.verify_due_on,
         o.substantiated_at, o.rectify_due_on, o.extension_count, o.rectified_at, o.measures, o.replied_at, o.reply,
         o.return_visit_method, o.return_visit_on, o.return_visit_satisfaction, o.fix_level, o.escalated_at, o.closed_at
  from app.work_orders o
  join app.ratings r on r.id = o.rating_id
  left join app.transactions t on t.id = o.transaction_id
  join app.units u on u.id = o.unit_id
  join app.regions rg on rg.code = o.region_code
  left join app.windows w on w.id = o.window_id
  left join app.users su on su.id = o.staff_user_id
  where o.opened_at >= lower(v_period) and o.opened_at < upper(v_period)
    and o.region_code = any (v_regions)
    and (p_after_id is null or (o.opened_at, o.id) > (p_after_opened_at, p_after_id))
  order by o.opened_at, o.id
  limit p_limit;
end;
$$;
comment on function public.export_work_orders(date, date, text, timestamptz, uuid, int) is 'Export for supervisors: 差评 work orders of their regions opened in [p_from, p_to] (Asia/Shanghai days), ordered by (opened_at, id), keyset pages like export_ratings. No rater identity (is_realname only says whether the 差评 was real-name).';
revoke execute on function public.export_work_orders(date, date, text, timestamptz, uuid, int) from public, anon;
grant execute on function public.export_work_orders(date, date, text, timestamptz, uuid, int) to authenticated;
