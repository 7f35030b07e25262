-- publish_results refused a month that is not over yet with the generic invalid_input ("输入有误"),
-- as if the supervisor had typed something wrong. It now answers 409 period_not_over, which says
-- why: a month's results are published once the month is over. Nothing else changes.

create or replace function public.publish_results(p_period text, p_region_code text, p_note text default null)
returns table (period text, region_code text, published_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := app.require_region_supervisor(p_region_code);
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  -- Only a month that is over (Asia/Shanghai).
  if to_date(p_period || '-01', 'YYYY-MM-DD') + interval '1 month' > (now() at time zone 'Asia/Shanghai')::date then
    perform app.raise_error('period_not_over', p_period);
  end if;
  if char_length(p_note) > 500 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  return query
  insert into app.result_publications as p (period, region_code, published_by, note)
  values (p_period, p_region_code, v_uid, nullif(btrim(p_note), ''))
  on conflict (period, region_code) do update set published_at = now(), published_by = v_uid, note = excluded.note
  returning p.period, p.region_code, p.published_at;
end;
$$;
