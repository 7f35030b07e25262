-- R15: published results, readable without login — per unit of a region for one month
-- (Asia/Shanghai): counts, 满意率, 好评率, 差评数 and 主动评价率 (含默认, as published
-- nationally), from the same rollups as stats(). No rater, officer or 办件 appears here.
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
  with scope as (select app.region_and_below(p_region_code) as code),
  r as (
    select d.unit_id, sum(d.rating_count) as n, sum(d.rating_count) filter (where d.is_default) as n_default,
           sum(d.rating_count) filter (where d.level >= 4) as n_good, sum(d.rating_count) filter (where d.level = 3) as n_neutral,
           sum(d.rating_count) filter (where d.level <= 2) as n_bad,
           sum(d.rating_count) filter (where not d.is_default and not d.is_visit) as n_active
    from app.rating_daily d
    where d.day >= v_from and d.day < (v_from + interval '1 month')::date and d.region_code in (select code from scope)
    group by d.unit_id
  ),
  f as (
    select d.unit_id, sum(d.finished_count) as n_finished
    from app.finished_daily d
    where d.day >= v_from and d.day < (v_from + interval '1 month')::date and d.region_code in (select code from scope)
    group by d.unit_id
  )
  select u.region_code, g.name, u.id, u.name,
         coalesce(r.n, 0)::bigint, coalesce(r.n_default, 0)::bigint, coalesce(r.n_good, 0)::bigint, coalesce(r.n_bad, 0)::bigint,
         round((coalesce(r.n_good, 0) + coalesce(r.n_neutral, 0))::numeric / nullif(r.n, 0), 4),
         round(coalesce(r.n_good, 0)::numeric / nullif(r.n, 0), 4),
         round(coalesce(r.n_active, 0)::numeric / nullif(f.n_finished, 0), 4)
  from app.units u
  join app.regions g on g.code = u.region_code
  left join r on r.unit_id = u.id
  left join f on f.unit_id = u.id
  where u.region_code in (select code from scope)
  order by u.region_code, u.name;
end;
$$;
comment on function public.public_results(text, text) is 'R15: a month''s results per unit of a region (and the regions below it), for everyone.';
revoke execute on function public.public_results(text, text) from public;
grant execute on function public.public_results(text, text) to anon, authenticated;
