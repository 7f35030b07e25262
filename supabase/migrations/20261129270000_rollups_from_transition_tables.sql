-- The rollup triggers read their statement's transition tables directly. They used to copy every
-- changed row to jsonb and back, which capped one statement at jsonb's 256 MB: a single INSERT of
-- 1,000,000 ratings failed (found by `npm run bench`; BENCHMARKS.md). Same rollup rows, and
-- 5–24 % faster on 100,000-row statements. One trigger function per table serves insert, update
-- and delete; the aggregate itself is written once per table, as the statement built below.

-- Adds (p_sign +1) or removes (-1) the rows of transition table p_rows from rating_daily;
-- p_filter narrows them (an update moves only rows whose counted fields changed).
create function app.rating_rollup_statement(p_rows text, p_sign int, p_filter text)
returns text
language sql
immutable
set search_path = ''
as $$
  select format($f$
    insert into app.rating_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit, rating_count)
    select (r.rated_at at time zone 'Asia/Shanghai')::date, r.region_code, r.unit_id, r.window_id, r.staff_user_id, r.matter_id,
           r.channel, r.level, r.is_default, r.transaction_id is null, %s * count(*)
    from %I r
    where r.assess_number = 1 and r.validity = 'valid' %s
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit)
    do update set rating_count = d.rating_count + excluded.rating_count$f$, p_sign, p_rows, p_filter);
$$;

create function app.rollup_ratings()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_changed text := '';
begin
  if tg_op = 'UPDATE' then
    v_changed := $c$ and r.id in (
      select n.id from old_rows o join new_rows n on n.id = o.id
      where (o.validity, o.level, o.is_default, o.assess_number, o.rated_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
        is distinct from (n.validity, n.level, n.is_default, n.assess_number, n.rated_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code))$c$;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute app.rating_rollup_statement('old_rows', -1, v_changed);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute app.rating_rollup_statement('new_rows', 1, v_changed);
  end if;
  return null;
end;
$$;

create function app.finished_rollup_statement(p_rows text, p_sign int, p_filter text)
returns text
language sql
immutable
set search_path = ''
as $$
  select format($f$
    insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count)
    select (t.finished_at at time zone 'Asia/Shanghai')::date, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
           t.channel, %s * count(*)
    from %I t
    where t.status = 'finished' %s
    group by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
    do update set finished_count = d.finished_count + excluded.finished_count$f$, p_sign, p_rows, p_filter);
$$;

-- Marking a 办件 rated (first_rating_id) changes nothing counted here and moves no row.
create function app.rollup_finished()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_changed text := '';
begin
  if tg_op = 'UPDATE' then
    v_changed := $c$ and t.id in (
      select n.id from old_rows o join new_rows n on n.id = o.id
      where (o.status, o.finished_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
        is distinct from (n.status, n.finished_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code))$c$;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute app.finished_rollup_statement('old_rows', -1, v_changed);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute app.finished_rollup_statement('new_rows', 1, v_changed);
  end if;
  return null;
end;
$$;

drop trigger ratings_rollup_insert on app.ratings;
drop trigger ratings_rollup_update on app.ratings;
drop trigger ratings_rollup_delete on app.ratings;
drop trigger transactions_rollup_insert on app.transactions;
drop trigger transactions_rollup_update on app.transactions;
drop trigger transactions_rollup_delete on app.transactions;

create trigger ratings_rollup_insert after insert on app.ratings
  referencing new table as new_rows for each statement execute function app.rollup_ratings();
create trigger ratings_rollup_update after update on app.ratings
  referencing old table as old_rows new table as new_rows for each statement execute function app.rollup_ratings();
create trigger ratings_rollup_delete after delete on app.ratings
  referencing old table as old_rows for each statement execute function app.rollup_ratings();
create trigger transactions_rollup_insert after insert on app.transactions
  referencing new table as new_rows for each statement execute function app.rollup_finished();
create trigger transactions_rollup_update after update on app.transactions
  referencing old table as old_rows new table as new_rows for each statement execute function app.rollup_finished();
create trigger transactions_rollup_delete after delete on app.transactions
  referencing old table as old_rows for each statement execute function app.rollup_finished();

drop function app.rollup_ratings_inserted(), app.rollup_ratings_updated(), app.rollup_ratings_deleted(),
  app.rollup_finished_inserted(), app.rollup_finished_updated(), app.rollup_finished_deleted(),
  app.roll_ratings(jsonb, int), app.roll_finished(jsonb, int);
