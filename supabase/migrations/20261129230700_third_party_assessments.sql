-- 第三方评估 (R18, policy 二(三)(四) "委托第三方独立开展政务服务评估，评估结果作为改进政务服务的
-- 重要依据"): supervisors record an independent assessment of a region or of one unit for a
-- period — assessor organisation, score out of 100, summary, a reference to the report file.
-- Supervisors list those of their regions; a unit's staff read the ones about their unit.

create table app.third_party_assessments (
  id uuid primary key default gen_random_uuid(),
  region_code text not null references app.regions (code),
  unit_id uuid references app.units (id),
  period_from date not null,
  period_to date not null,
  assessor_org text not null check (char_length(assessor_org) between 1 and 200),
  score numeric(5, 2) not null check (score between 0 and 100),
  summary text not null check (char_length(summary) between 1 and 1000),
  attachment_ref text check (attachment_ref ~ '^\S+$' and char_length(attachment_ref) <= 500),
  recorded_by uuid not null references app.users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid not null references app.users (id),
  check (period_from <= period_to)
);
comment on table app.third_party_assessments is '第三方评估 of a region (unit_id null) or one unit of it, for period_from..period_to.';
comment on column app.third_party_assessments.score is 'The assessor''s overall score, 0–100.';
comment on column app.third_party_assessments.attachment_ref is 'Where the report file is kept (storage path or URL); the file itself is not stored here.';
create index third_party_assessments_region_code_idx on app.third_party_assessments (region_code, period_from);
create index third_party_assessments_unit_id_idx on app.third_party_assessments (unit_id);
create index third_party_assessments_recorded_by_idx on app.third_party_assessments (recorded_by);
create index third_party_assessments_updated_by_idx on app.third_party_assessments (updated_by);
alter table app.third_party_assessments enable row level security;
create policy third_party_assessments_select on app.third_party_assessments for select to service_role using (true);
revoke all on app.third_party_assessments from anon, authenticated;
grant select on app.third_party_assessments to service_role;

create function public.record_third_party_assessment(
  p_region_code text,
  p_unit_id uuid,
  p_period_from date,
  p_period_to date,
  p_assessor_org text,
  p_score numeric,
  p_summary text,
  p_attachment_ref text default null
)
returns table (
  id uuid, region_code text, region_name text, unit_id uuid, unit_name text, period_from date, period_to date,
  assessor_org text, score numeric, summary text, attachment_ref text, created_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_region text := p_region_code;
  v_org text;
  v_summary text := app.comment_text(p_summary, 'p_summary');
  v_a app.third_party_assessments;
begin
  perform app.check_review_period(p_period_from, p_period_to);
  if p_assessor_org is null or btrim(p_assessor_org) = '' or char_length(btrim(p_assessor_org)) > 200 then
    perform app.raise_error('invalid_input', 'p_assessor_org');
  end if;
  v_org := btrim(p_assessor_org);
  if p_score is null or p_score not between 0 and 100 then
    perform app.raise_error('assessment_score_out_of_range', 'p_score');
  end if;
  if p_attachment_ref is not null and (p_attachment_ref !~ '^\S+$' or char_length(p_attachment_ref) > 500) then
    perform app.raise_error('invalid_input', 'p_attachment_ref');
  end if;
  perform app.supervised_region(null);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if p_region_code is not null and p_region_code <> v_region then
      perform app.raise_error('invalid_input', 'p_region_code');
    end if;
  elsif p_region_code is null then
    perform app.raise_error('invalid_input', 'p_region_code');
  end if;
  v_region := app.supervised_region(v_region);

  insert into app.third_party_assessments as a (region_code, unit_id, period_from, period_to, assessor_org, score, summary,
                                                attachment_ref, recorded_by, updated_by)
  values (v_region, p_unit_id, p_period_from, p_period_to, v_org, p_score, v_summary, p_attachment_ref, v_uid, v_uid)
  returning * into v_a;
  return query
  select v_a.id, v_a.region_code, g.name, v_a.unit_id, u.name, v_a.period_from, v_a.period_to,
         v_a.assessor_org, v_a.score, v_a.summary, v_a.attachment_ref, v_a.created_at
  from app.regions g left join app.units u on u.id = v_a.unit_id
  where g.code = v_a.region_code;
end;
$$;
comment on function public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text) is
  'R18 第三方评估: a supervisor records an assessment of a region they oversee or of one unit in it (score 0–100, period ≤ 1 year).';

create function public.third_party_assessments(p_region_code text default null, p_unit_id uuid default null)
returns table (
  id uuid, region_code text, region_name text, unit_id uuid, unit_name text, period_from date, period_to date,
  assessor_org text, score numeric, summary text, attachment_ref text, created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_supervisor boolean := exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor');
  v_region text;
begin
  if v_supervisor then
    v_region := app.supervised_region(p_region_code);
  elsif not exists (select app.my_unit_ids()) or p_region_code is not null then
    perform app.raise_error('forbidden');
  elsif p_unit_id is not null and p_unit_id not in (select app.my_unit_ids()) then
    perform app.raise_error('forbidden', 'p_unit_id');
  end if;
  return query
  select a.id, a.region_code, g.name, a.unit_id, u.name, a.period_from, a.period_to,
         a.assessor_org, a.score, a.summary, a.attachment_ref, a.created_at
  from app.third_party_assessments a
  join app.regions g on g.code = a.region_code
  left join app.units u on u.id = a.unit_id
  where (p_unit_id is null or a.unit_id = p_unit_id)
    and case when v_supervisor then a.region_code in (select app.region_and_below(v_region))
             else a.unit_id in (select app.my_unit_ids()) end
  order by a.period_to desc, a.created_at desc, a.id;
end;
$$;
comment on function public.third_party_assessments(text, uuid) is
  '第三方评估 records: supervisors see those of a region they oversee (default: their widest); staff and unit admins those about their own units.';

revoke execute on function
  public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text), public.third_party_assessments(text, uuid)
from public, anon;
grant execute on function
  public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text), public.third_party_assessments(text, uuid)
to authenticated;
