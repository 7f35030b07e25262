-- 监督查评 回访抽查 (R18, policy 二(四) "适时抽取参与评价的企业和群众，开展回访调查"): a supervisor
-- draws a random sample of real-name raters of a period in their region, stored as a batch with
-- one item per rater, and records each 回访's outcome. The draw is reproducible: each candidate
-- rating is ranked by md5(seed || ':' || rating id), so the same seed over the same ratings gives
-- the same raters; the seed is kept with the batch. Raters appear masked only (R13).

create table app.return_visit_samples (
  id uuid primary key default gen_random_uuid(),
  region_code text not null references app.regions (code),
  period_from date not null,
  period_to date not null,
  requested_n int not null check (requested_n between 1 and 200),
  seed text not null check (char_length(seed) between 1 and 100),
  candidate_count int not null check (candidate_count > 0),
  drawn_by uuid not null references app.users (id),
  created_at timestamptz not null default now(),
  check (period_from <= period_to)
);
comment on table app.return_visit_samples is '回访抽查 batches: who drew which sample of real-name raters, for which region and period (Asia/Shanghai days), with which seed.';
comment on column app.return_visit_samples.seed is 'Ranks candidates by md5(seed || '':'' || rating id): the same seed over the same ratings draws the same raters.';
comment on column app.return_visit_samples.candidate_count is 'How many distinct real-name raters were eligible when the sample was drawn.';
create index return_visit_samples_region_code_idx on app.return_visit_samples (region_code, created_at);
create index return_visit_samples_drawn_by_idx on app.return_visit_samples (drawn_by);
alter table app.return_visit_samples enable row level security;
create policy return_visit_samples_select on app.return_visit_samples for select to service_role using (true);
revoke all on app.return_visit_samples from anon, authenticated;
grant select on app.return_visit_samples to service_role;

create table app.return_visit_sample_items (
  id uuid primary key default gen_random_uuid(),
  sample_id uuid not null references app.return_visit_samples (id),
  position int not null check (position > 0),
  rating_id uuid not null references app.ratings (id),
  rater_user_id uuid not null references app.users (id),
  outcome text check (outcome in ('reached', 'unreachable', 'declined')),
  satisfied boolean,
  note text check (char_length(note) between 1 and 1000),
  visited_at timestamptz,
  visited_by uuid references app.users (id),
  updated_at timestamptz not null default now(),
  unique (sample_id, position),
  unique (sample_id, rater_user_id),
  check (case when outcome = 'reached' then satisfied is not null else satisfied is null end),
  check ((outcome is null) = (visited_at is null) and (outcome is null) = (visited_by is null))
);
comment on table app.return_visit_sample_items is 'One sampled rater (through one of their ratings) per row, and the 回访 outcome: reached 已回访 (satisfied 满意/不满意), unreachable 联系不上 (may be tried again), declined 拒绝回访.';
create index return_visit_sample_items_rating_id_idx on app.return_visit_sample_items (rating_id);
create index return_visit_sample_items_rater_user_id_idx on app.return_visit_sample_items (rater_user_id);
create index return_visit_sample_items_visited_by_idx on app.return_visit_sample_items (visited_by);
alter table app.return_visit_sample_items enable row level security;
create policy return_visit_sample_items_select on app.return_visit_sample_items for select to service_role using (true);
revoke all on app.return_visit_sample_items from anon, authenticated;
grant select on app.return_visit_sample_items to service_role;

-- Eligible raters: real-name users who rated (first rating, not anonymous, not a default, still
-- valid) in the region and its regions below, on days p_from..p_to (Asia/Shanghai); for each,
-- the rating that ranks first under the seed.
create function app.sample_candidates(p_region_code text, p_from date, p_to date, p_seed text)
returns table (rating_id uuid, rater_user_id uuid, rank_key text)
language sql
stable
set search_path = ''
as $$
  select distinct on (r.rater_user_id) r.id, r.rater_user_id, md5(p_seed || ':' || r.id::text)
  from app.ratings r
  join app.users u on u.id = r.rater_user_id
  where r.region_code in (select app.region_and_below(p_region_code))
    and r.rated_at >= (p_from::timestamp at time zone 'Asia/Shanghai')
    and r.rated_at < ((p_to + 1)::timestamp at time zone 'Asia/Shanghai')
    and r.assess_number = 1 and not r.is_anonymous and not r.is_default and r.validity = 'valid'
    and u.realname_verified_at is not null
  order by r.rater_user_id, md5(p_seed || ':' || r.id::text), r.id;
$$;
revoke execute on function app.sample_candidates(text, date, date, text) from public;

-- The item shape of every 回访抽查 RPC (shared/comments.ts SampleItemRow): rater masked only.
create function app.sample_item_rows(p_sample_id uuid)
returns table (
  sample_id uuid, seed text, item_id uuid, "position" int, rating_id uuid, rated_at timestamptz, level smallint,
  channel text, unit_name text, matter_name text, rater_masked_name text, rater_masked_phone text,
  outcome text, satisfied boolean, note text, visited_at timestamptz
)
language sql
stable
set search_path = ''
as $$
  select s.id, s.seed, i.id, i.position, r.id, r.rated_at, r.level, r.channel, un.name, m.name,
         u.masked_name, u.masked_phone, i.outcome, i.satisfied, i.note, i.visited_at
  from app.return_visit_samples s
  join app.return_visit_sample_items i on i.sample_id = s.id
  join app.ratings r on r.id = i.rating_id
  join app.users u on u.id = i.rater_user_id
  join app.units un on un.id = r.unit_id
  left join app.matters m on m.id = r.matter_id
  where s.id = p_sample_id
  order by i.position;
$$;
revoke execute on function app.sample_item_rows(uuid) from public;

-- Period check shared by 回访抽查 and third-party assessments: both ends given, in order, ≤ 1 year.
create function app.check_review_period(p_from date, p_to date)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 366 then
    perform app.raise_error('review_period_invalid', 'p_from/p_to');
  end if;
end;
$$;
revoke execute on function app.check_review_period(date, date) from public;
