-- 回访抽查 RPCs (R18, SPEC §5 sample_return_visits): draw and store a sample, list batches and
-- their items, record each visit. Supervisors only, over regions they oversee.

create function public.sample_return_visits(
  p_from date,
  p_to date,
  p_region_code text default null,
  p_n int default 20,
  p_seed text default null
)
returns table (
  sample_id uuid, seed text, item_id uuid, "position" int, rating_id uuid, rated_at timestamptz, level smallint,
  channel text, unit_name text, matter_name text, rater_masked_name text, rater_masked_phone text,
  outcome text, satisfied boolean, note text, visited_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_seed text := coalesce(p_seed, left(replace(gen_random_uuid()::text, '-', ''), 16));
  v_candidates int;
  v_ratings uuid[];
  v_raters uuid[];
  v_sample_id uuid;
begin
  perform app.check_review_period(p_from, p_to);
  if p_n is null or p_n not between 1 and 200 then
    perform app.raise_error('sample_size_out_of_range', 'p_n');
  end if;
  if char_length(v_seed) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'p_seed');
  end if;
  v_region := app.supervised_region(p_region_code);

  -- One pass over the candidates: how many there are, and the first p_n under the seed.
  select count(*)::int,
         (array_agg(c.rating_id order by c.rank_key, c.rating_id))[1:p_n],
         (array_agg(c.rater_user_id order by c.rank_key, c.rating_id))[1:p_n]
  into v_candidates, v_ratings, v_raters
  from app.sample_candidates(v_region, p_from, p_to, v_seed) c;
  if v_candidates = 0 then
    perform app.raise_error('sample_no_candidates');
  end if;

  insert into app.return_visit_samples as s (region_code, period_from, period_to, requested_n, seed, candidate_count, drawn_by)
  values (v_region, p_from, p_to, p_n, v_seed, v_candidates, v_uid)
  returning s.id into v_sample_id;
  insert into app.return_visit_sample_items (sample_id, position, rating_id, rater_user_id)
  select v_sample_id, x.pos, x.rating_id, x.rater_user_id
  from unnest(v_ratings, v_raters) with ordinality as x (rating_id, rater_user_id, pos);

  return query select * from app.sample_item_rows(v_sample_id);
end;
$$;
comment on function public.sample_return_visits(date, date, text, int, text) is
  'R18 回访抽查: draws up to p_n (1..200) real-name raters of ratings rated p_from..p_to (Asia/Shanghai) in a region the caller supervises, stores the batch, returns its items (rater masked). Same p_seed → same raters; without one a random seed is drawn and returned.';

create function public.return_visit_samples(p_region_code text default null)
returns table (
  id uuid, region_code text, region_name text, period_from date, period_to date, requested_n int, seed text,
  candidate_count int, item_count int, visited_count int, satisfied_count int, created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_region text := app.supervised_region(p_region_code);
begin
  return query
  select s.id, s.region_code, g.name, s.period_from, s.period_to, s.requested_n, s.seed, s.candidate_count,
         count(i.id)::int, (count(i.id) filter (where i.outcome in ('reached', 'declined')))::int,
         (count(i.id) filter (where i.satisfied))::int,
         s.created_at
  from app.return_visit_samples s
  join app.regions g on g.code = s.region_code
  left join app.return_visit_sample_items i on i.sample_id = s.id
  where s.region_code in (select app.region_and_below(v_region))
  group by s.id, g.name
  order by s.created_at desc, s.id;
end;
$$;
comment on function public.return_visit_samples(text) is '回访抽查 batches of a region the caller supervises (default: their widest), newest first, with progress counts.';

-- The sample an item or batch belongs to, if the caller supervises its region.
create function app.supervised_sample(p_sample_id uuid)
returns app.return_visit_samples
language plpgsql
stable
set search_path = ''
as $$
declare
  v_s app.return_visit_samples;
begin
  perform app.supervised_region(null);
  select * into v_s from app.return_visit_samples s where s.id = p_sample_id;
  if not found then
    perform app.raise_error('not_found', 'p_sample_id');
  end if;
  if not app.supervises(v_s.region_code) then
    perform app.raise_error('forbidden', 'p_sample_id');
  end if;
  return v_s;
end;
$$;
revoke execute on function app.supervised_sample(uuid) from public;

create function public.return_visit_sample_items(p_sample_id uuid)
returns table (
  sample_id uuid, seed text, item_id uuid, "position" int, rating_id uuid, rated_at timestamptz, level smallint,
  channel text, unit_name text, matter_name text, rater_masked_name text, rater_masked_phone text,
  outcome text, satisfied boolean, note text, visited_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform app.supervised_sample(p_sample_id);
  return query select * from app.sample_item_rows(p_sample_id);
end;
$$;
comment on function public.return_visit_sample_items(uuid) is 'The raters of one 回访抽查 batch (masked) and each visit''s outcome, in draw order.';

create function public.record_sample_visit(p_item_id uuid, p_outcome text, p_satisfied boolean default null, p_note text default null)
returns table (
  sample_id uuid, seed text, item_id uuid, "position" int, rating_id uuid, rated_at timestamptz, level smallint,
  channel text, unit_name text, matter_name text, rater_masked_name text, rater_masked_phone text,
  outcome text, satisfied boolean, note text, visited_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_note text := app.comment_text(p_note, 'p_note', false);
  v_i app.return_visit_sample_items;
begin
  if p_outcome is null or p_outcome not in ('reached', 'unreachable', 'declined') then
    perform app.raise_error('invalid_input', 'p_outcome');
  end if;
  if (p_outcome = 'reached') <> (p_satisfied is not null) then
    perform app.raise_error('invalid_input', 'p_satisfied');
  end if;
  perform app.supervised_region(null);
  select * into v_i from app.return_visit_sample_items i where i.id = p_item_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_item_id');
  end if;
  perform app.supervised_sample(v_i.sample_id);
  -- Someone not reached may be tried again; a visit that happened (or was declined) stands.
  if v_i.outcome in ('reached', 'declined') then
    perform app.raise_error('sample_visit_recorded', 'p_item_id');
  end if;

  update app.return_visit_sample_items i
  set outcome = p_outcome, satisfied = p_satisfied, note = v_note, visited_at = now(), visited_by = v_uid, updated_at = now()
  where i.id = v_i.id;
  return query select * from app.sample_item_rows(v_i.sample_id) r where r.item_id = v_i.id;
end;
$$;
comment on function public.record_sample_visit(uuid, text, boolean, text) is
  'R18: records a 回访抽查 visit: reached (with satisfied), unreachable (may be recorded again later) or declined.';

revoke execute on function
  public.sample_return_visits(date, date, text, int, text), public.return_visit_samples(text),
  public.return_visit_sample_items(uuid), public.record_sample_visit(uuid, text, boolean, text)
from public, anon;
grant execute on function
  public.sample_return_visits(date, date, text, int, text), public.return_visit_samples(text),
  public.return_visit_sample_items(uuid), public.record_sample_visit(uuid, text, boolean, text)
to authenticated;
