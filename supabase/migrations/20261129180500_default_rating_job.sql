-- R5: a finished 办件 unrated when its rating window closes gets 基本满意 (level 3) with
-- is_default, channel default, no rater. Set-based in keyset batches over the partial index of
-- unrated 办件; safe beside itself and beside citizens rating the same 办件 at the same instant,
-- because the unique index on (transaction_id, assess_number) lets exactly one rating in.

create function public.apply_default_ratings(p_now timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_batch constant int := 10000;
  v_last uuid := '00000000-0000-0000-0000-000000000000';
  v_ids uuid[];
  v_applied int := 0;
  v_n int;
begin
  loop
    select array_agg(id order by id) into v_ids
    from (
      select t.id from app.transactions t
      where t.status = 'finished' and t.first_rating_id is null and t.id > v_last
      order by t.id
      limit v_batch
    ) b;
    exit when v_ids is null;
    v_last := v_ids[cardinality(v_ids)];

    insert into app.ratings (
      transaction_id, assess_number, level, channel, is_default, unit_id, region_code,
      matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at
    )
    select t.id, 1, 3, 'default', true, t.unit_id, t.region_code,
           t.matter_id, t.hall_id, t.window_id, t.staff_user_id, t.platform_id, t.rating_due_at
    from app.transactions t
    where t.id = any (v_ids) and t.rating_due_at <= p_now and t.first_rating_id is null
    on conflict do nothing;
    get diagnostics v_n = row_count;
    v_applied := v_applied + v_n;
  end loop;
  return v_applied;
end;
$$;
comment on function public.apply_default_ratings(timestamptz) is 'R5 job: default 基本满意 for every 办件 whose rating window closed by p_now. Returns how many were applied.';
revoke execute on function public.apply_default_ratings(timestamptz) from public, anon, authenticated;
grant execute on function public.apply_default_ratings(timestamptz) to service_role;

-- Production schedules the job with pg_cron (every 10 minutes); the local stack's scheduler
-- runs the same statement where pg_cron is absent.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('apply-default-ratings', '*/10 * * * *', 'select public.apply_default_ratings()');
  end if;
end;
$$;
