-- Daily rollups behind the metrics of SPEC §3, kept by statement-level triggers so that stats
-- and published results read counts per (day, object) instead of scanning every rating.
-- Day = Asia/Shanghai day of the rating (ratings) or of 办结 (finished 办件).

create table app.rating_daily (
  id bigint generated always as identity primary key,
  day date not null,
  region_code text not null,
  unit_id uuid not null,
  window_id uuid,
  staff_user_id uuid,
  matter_id uuid,
  channel text not null,
  level smallint not null,
  is_default boolean not null,
  is_visit boolean not null,
  rating_count bigint not null default 0,
  unique nulls not distinct (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit)
);
comment on table app.rating_daily is 'Valid first ratings (assess_number 1) counted per day and rated object. Invalid ratings (approved appeals) are not counted (SPEC §3).';
comment on column app.rating_daily.is_visit is 'A 一次一评 window visit (no 办件): counted in satisfaction, not in 主动评价率 (ratings of 办件 / finished 办件).';
alter table app.rating_daily enable row level security;
-- Read only through stats()/public_results() (definer); no API role reads it directly.
create policy rating_daily_select on app.rating_daily for select to service_role using (true);
grant select on app.rating_daily to service_role;

create table app.finished_daily (
  id bigint generated always as identity primary key,
  day date not null,
  region_code text not null,
  unit_id uuid not null,
  window_id uuid,
  staff_user_id uuid,
  matter_id uuid,
  channel text not null,
  finished_count bigint not null default 0,
  unique nulls not distinct (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
);
comment on table app.finished_daily is 'Finished 办件 per day and object: the denominator of 主动评价率.';
alter table app.finished_daily enable row level security;
create policy finished_daily_select on app.finished_daily for select to service_role using (true);
grant select on app.finished_daily to service_role;

-- Adds (sign +1) or removes (-1) a set of ratings from the rollup.
create function app.roll_ratings(p_rows jsonb, p_sign int)
returns void
language sql
set search_path = ''
as $$
  insert into app.rating_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit, rating_count)
  select (r.rated_at at time zone 'Asia/Shanghai')::date, r.region_code, r.unit_id, r.window_id, r.staff_user_id, r.matter_id,
         r.channel, r.level, r.is_default, r.transaction_id is null, p_sign * count(*)
  from jsonb_populate_recordset(null::app.ratings, p_rows) r
  where r.assess_number = 1 and r.validity = 'valid'
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit)
  do update set rating_count = d.rating_count + excluded.rating_count;
$$;

create function app.rollup_ratings_inserted()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app.roll_ratings((select coalesce(jsonb_agg(n), '[]') from new_rows n), 1);
  return null;
end;
$$;

-- Only rows whose counted fields changed move between rollup rows (an appeal's validity, say).
create function app.rollup_ratings_updated()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_old jsonb;
  v_new jsonb;
begin
  select coalesce(jsonb_agg(to_jsonb(o)), '[]'), coalesce(jsonb_agg(to_jsonb(n)), '[]') into v_old, v_new
  from old_rows o join new_rows n on n.id = o.id
  where (o.validity, o.level, o.is_default, o.assess_number, o.rated_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
    is distinct from (n.validity, n.level, n.is_default, n.assess_number, n.rated_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code);
  perform app.roll_ratings(v_old, -1);
  perform app.roll_ratings(v_new, 1);
  return null;
end;
$$;

create function app.rollup_ratings_deleted()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app.roll_ratings((select coalesce(jsonb_agg(o), '[]') from old_rows o), -1);
  return null;
end;
$$;

create trigger ratings_rollup_insert after insert on app.ratings
  referencing new table as new_rows for each statement execute function app.rollup_ratings_inserted();
create trigger ratings_rollup_update after update on app.ratings
  referencing old table as old_rows new table as new_rows for each statement execute function app.rollup_ratings_updated();
create trigger ratings_rollup_delete after delete on app.ratings
  referencing old table as old_rows for each statement execute function app.rollup_ratings_deleted();

create function app.roll_finished(p_rows jsonb, p_sign int)
returns void
language sql
set search_path = ''
as $$
  insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count)
  select (t.finished_at at time zone 'Asia/Shanghai')::date, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
         t.channel, p_sign * count(*)
  from jsonb_populate_recordset(null::app.transactions, p_rows) t
  where t.status = 'finished'
  group by 1, 2, 3, 4, 5, 6, 7
  on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
  do update set finished_count = d.finished_count + excluded.finished_count;
$$;

create function app.rollup_finished_inserted()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app.roll_finished((select coalesce(jsonb_agg(n), '[]') from new_rows n), 1);
  return null;
end;
$$;

-- Marking a 办件 rated (first_rating_id) changes nothing counted here and costs nothing.
create function app.rollup_finished_updated()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_old jsonb;
  v_new jsonb;
begin
  select coalesce(jsonb_agg(to_jsonb(o)), '[]'), coalesce(jsonb_agg(to_jsonb(n)), '[]') into v_old, v_new
  from old_rows o join new_rows n on n.id = o.id
  where (o.status, o.finished_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
    is distinct from (n.status, n.finished_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code);
  perform app.roll_finished(v_old, -1);
  perform app.roll_finished(v_new, 1);
  return null;
end;
$$;

create function app.rollup_finished_deleted()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app.roll_finished((select coalesce(jsonb_agg(o), '[]') from old_rows o), -1);
  return null;
end;
$$;

create trigger transactions_rollup_insert after insert on app.transactions
  referencing new table as new_rows for each statement execute function app.rollup_finished_inserted();
create trigger transactions_rollup_update after update on app.transactions
  referencing old table as old_rows new table as new_rows for each statement execute function app.rollup_finished_updated();
create trigger transactions_rollup_delete after delete on app.transactions
  referencing old table as old_rows for each statement execute function app.rollup_finished_deleted();

-- Rollups of rows that existed before this migration.
select app.roll_ratings(coalesce((select jsonb_agg(r) from app.ratings r), '[]'), 1);
select app.roll_finished(coalesce((select jsonb_agg(t) from app.transactions t), '[]'), 1);
