-- R15: published results, readable without login — per unit of a region for one month
-- (Asia/Shanghai): counts, 满意率, 好评率, 差评数 and 主动评价率 (含默认, as published
-- nationally), from the same aggregation as stats(). No rater, officer or 办件 appears here.
-- 整改率 and the 差评 board join when the 差评 loop exists.

create function public.public_results(p_period text, p_region_code text default '530900')
returns table (
  region_code text,
  region_name text,
  unit_id uuid,
  unit_name text,
  rating_count bigint,
  default_count bigint,
  good_count bigint,
  bad_count bigint,
  satisfaction_rate numeric,
  good_rate numeric,
  active_rate numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_from date;
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('not_found', 'p_region_code');
  end if;
  v_from := to_date(p_period || '-01', 'YYYY-MM-DD');

  return query
  select u.region_code, g.name, u.id, u.name,
         coalesce(m.rating_count, 0), coalesce(m.default_count, 0), coalesce(m.good_count, 0), coalesce(m.bad_count, 0),
         m.satisfaction_rate, m.good_rate, m.active_rate
  from app.units u
  join app.regions g on g.code = u.region_code
  left join app.metric_rows(v_from, (v_from + interval '1 month')::date - 1, 'unit', p_region_code, null, true) m on m.group_key = u.id::text
  where u.region_code in (select app.region_and_below(p_region_code))
  order by u.region_code, u.name;
end;
$$;
comment on function public.public_results(text, text) is 'R15: a month''s results per unit of a region (and the regions below it), for everyone.';
revoke execute on function public.public_results(text, text) from public;
grant execute on function public.public_results(text, text) to anon, authenticated;
