-- R15 publication as an act (issue 7): a supervisor publishes a month's results for their
-- region once the month is over, and anyone can list what was published and when. The figures
-- themselves stay live in public_results (以公开为常态): publication marks the month as checked
-- and announced, and the 公开 page opens on the latest published month.

create table app.result_publications (
  period text not null check (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  region_code text not null references app.regions (code),
  published_by uuid not null references app.users (id),
  published_at timestamptz not null default now(),
  note text check (char_length(note) <= 500),
  primary key (period, region_code)
);
comment on table app.result_publications is 'R15: months whose results a supervisor of the region has published.';
create index result_publications_region_code_idx on app.result_publications (region_code);
create index result_publications_published_by_idx on app.result_publications (published_by);
alter table app.result_publications enable row level security;
create policy result_publications_select on app.result_publications for select to service_role using (true);
grant select on app.result_publications to service_role;

create function public.publish_results(p_period text, p_region_code text, p_note text default null)
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
    perform app.raise_error('invalid_input', 'p_period');
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
comment on function public.publish_results(text, text, text) is 'R15: a supervisor publishes a finished month''s results for their region (again = re-published).';

create function public.published_periods(p_region_code text default '530900')
returns table (period text, region_code text, region_name text, published_at timestamptz, note text)
language sql
stable
security definer
set search_path = ''
as $$
  select p.period, p.region_code, r.name, p.published_at, p.note
  from app.result_publications p join app.regions r on r.code = p.region_code
  where p.region_code = p_region_code
  order by p.period desc;
$$;
comment on function public.published_periods(text) is 'R15: the months published for a region, newest first (anyone).';

revoke execute on function public.publish_results(text, text, text), public.published_periods(text) from public, anon;
grant execute on function public.publish_results(text, text, text) to authenticated;
grant execute on function public.published_periods(text) to anon, authenticated;
