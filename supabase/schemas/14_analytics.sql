-- Supervisors' analytics (issue 16.3 and 16.4): 差评 hot topics (the tags and the comment texts of
-- a scope and period with the previous period beside it; the words are counted by the TS side,
-- shared/hot-topics.ts, since SQL has no Intl.Segmenter) and early warning 预警 (a unit or window
-- whose 差评 rate over the last 7 or 30 days is significantly above its own 12-month baseline:
-- one-sided exact binomial test, the rule once here and its twin in shared/early-warning.ts), and
-- the daily digest of the alerts per supervisor. The database decides scope and access: every
-- public function here answers supervisors for their own regions only, and never a rater.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create or replace function app.analytics_region (
  p_region_code text
)
  returns text
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  -- Default: the widest region the caller supervises (as stats() does).
  v_region := coalesce(p_region_code, (
    select s.scope_region_code from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor'
    order by case r.level when 'province' then 1 when 'city' then 2 else 3 end, s.scope_region_code limit 1));
  if v_region not in (select app.my_region_codes()) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  return v_region;
end;
$function$;
comment on function app.analytics_region(text) is 'The region an analytics call is about: the caller must be a supervisor (else forbidden), p_region_code must lie in their regions (else forbidden); null = their widest region.';
revoke all on function app.analytics_region(text) from public;
grant execute on function app.analytics_region(text) to authenticated, service_role;

-- —— 预警: the statistical rule (twin: shared/early-warning.ts; parity: database/early_warning.test.ts)

create or replace function app.log_factorial (
  p_n integer
)
  returns double precision
  language plpgsql
  immutable
  strict
  parallel safe
  set search_path to ''
  as $function$
declare
  v double precision := 0;
  x double precision := p_n;
begin
  if p_n < 0 then
    raise exception 'log_factorial of a negative number' using errcode = '22003';
  end if;
  -- Exact below 21; Stirling's series above (error < 1e-16 relative there). PostgreSQL 15–17 have no lgamma.
  if p_n <= 20 then
    for i in 2..p_n loop
      v := v + ln(i::double precision);
    end loop;
    return v;
  end if;
  return x * ln(x) - x + 0.5 * ln(2 * pi() * x) + 1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * x * x * x * x * x);
end;
$function$;
comment on function app.log_factorial(integer) is 'ln(n!), exact to 20!, Stirling''s series beyond. Twin: logFactorial in shared/early-warning.ts.';
revoke all on function app.log_factorial(integer) from public;

create or replace function app.binomial_upper_tail (
  p_k integer,
  p_n integer,
  p_p double precision
)
  returns double precision
  language plpgsql
  immutable
  strict
  parallel safe
  set search_path to ''
  as $function$
declare
  v_log_odds double precision;
  v_lt0 double precision;
  v_lt double precision;
  v_sum double precision := 0;
  i integer;
begin
  if p_n < 0 or p_p < 0 or p_p > 1 or p_p = 'NaN'::double precision then
    raise exception 'binomial_upper_tail(%, %, %): out of range', p_k, p_n, p_p using errcode = '22003';
  end if;
  if p_k <= 0 then return 1; end if;
  if p_k > p_n then return 0; end if;
  if p_p = 0 then return 0; end if;
  if p_p = 1 then return 1; end if;
  v_log_odds := ln(p_p) - ln(1 - p_p);
  if p_k > floor((p_n + 1) * p_p) then
    -- Above the mode the terms fall from k on: sum P(X = i) for i = k, k+1, … until they no longer count.
    v_lt0 := app.log_factorial(p_n) - app.log_factorial(p_k) - app.log_factorial(p_n - p_k) + p_k * ln(p_p) + (p_n - p_k) * ln(1 - p_p);
    v_lt := v_lt0;
    i := p_k;
    loop
      -- exp() below about -745 underflows (PostgreSQL raises): such a term adds nothing.
      if v_lt > -700 then v_sum := v_sum + exp(v_lt); end if;
      exit when i >= p_n or v_lt < v_lt0 - 40;
      v_lt := v_lt + ln((p_n - i)::double precision / (i + 1)) + v_log_odds;
      i := i + 1;
    end loop;
    return least(1, v_sum);
  end if;
  -- At or below the mode: 1 − P(X ≤ k − 1), whose terms fall from k − 1 down.
  v_lt0 := app.log_factorial(p_n) - app.log_factorial(p_k - 1) - app.log_factorial(p_n - p_k + 1) + (p_k - 1) * ln(p_p) + (p_n - p_k + 1) * ln(1 - p_p);
  v_lt := v_lt0;
  i := p_k - 1;
  loop
    if v_lt > -700 then v_sum := v_sum + exp(v_lt); end if;
    exit when i <= 0 or v_lt < v_lt0 - 40;
    v_lt := v_lt + ln(i::double precision / (p_n - i + 1)) - v_log_odds;
    i := i - 1;
  end loop;
  return greatest(0, 1 - v_sum);
end;
$function$;
comment on function app.binomial_upper_tail(integer, integer, double precision) is 'P(X ≥ k) for X ~ Binomial(n, p): the one-sided p-value of k successes in n. Exact sum in log space, stopping when terms fall below e^-40 of the first. Twin: binomialUpperTail in shared/early-warning.ts.';
revoke all on function app.binomial_upper_tail(integer, integer, double precision) from public;

-- —— Fair rankings (issue 16.2): the Wilson bound every ranking orders by (twin: wilsonLowerBound in
-- shared/metrics.ts; parity: database/wilson_bound.test.ts).

create or replace function app.wilson_lower_bound (
  p_successes bigint,
  p_n         bigint,
  p_z         double precision default 2.5758293035489
)
  returns double precision
  language plpgsql
  immutable
  strict
  parallel safe
  set search_path to ''
  as $function$
declare
  -- The same operations in the same order as the TS twin, in double precision.
  v_n double precision := p_n;
  v_p double precision;
  v_zz double precision := p_z * p_z;
begin
  if p_n < 0 or p_successes < 0 or p_successes > p_n or p_z < 0 or p_z = 'NaN'::double precision then
    raise exception 'wilson_lower_bound(%, %, %): out of range', p_successes, p_n, p_z using errcode = '22003';
  end if;
  if p_n = 0 then return null; end if;
  if p_successes = 0 then return 0; end if;
  v_p := p_successes::double precision / v_n;
  return least(1, greatest(0,
    ((v_p + v_zz / (2 * v_n)) - p_z * sqrt((v_p * (1 - v_p)) / v_n + v_zz / (4 * v_n * v_n))) / (1 + v_zz / v_n)));
end;
$function$;
comment on function app.wilson_lower_bound(bigint, bigint, double precision) is 'Issue 16.2: the Wilson score lower bound of the rate successes / n (null when n = 0). Default z = 2.5758…, the 0.995 normal quantile: a two-sided 99 % interval (see WILSON_Z in shared/metrics.ts for why). Rankings order by it so a handful of ratings neither tops nor sinks a list. Twin: wilsonLowerBound in shared/metrics.ts.';
revoke all on function app.wilson_lower_bound(bigint, bigint, double precision) from public;

create or replace function app.early_warning_rules()
  returns table (
    alpha              double precision,
    min_recent_count   integer,
    min_recent_bad     integer,
    min_baseline_count integer,
    baseline_days      integer,
    window_days        integer[]
  )
  language sql
  immutable
  parallel safe
  set search_path to ''
  as $function$
  select 0.01::double precision, 20, 5, 50, 365, array[7, 30];
$function$;
comment on function app.early_warning_rules() is 'Issue 16.4 rule constants (twin: EARLY_WARNING_RULES in shared/early-warning.ts): alert when p < alpha with at least min_recent_count active ratings and min_recent_bad 差评 in the window and min_baseline_count in the 365 days before it.';
revoke all on function app.early_warning_rules() from public;

create or replace function app.early_warning_decision (
  p_recent_count   bigint,
  p_recent_bad     bigint,
  p_baseline_count bigint,
  p_baseline_bad   bigint
)
  returns table (
    baseline_rate double precision,
    p_value       double precision,
    alert         boolean
  )
  language plpgsql
  immutable
  parallel safe
  set search_path to ''
  as $function$
declare
  r record;
  v_p0 double precision;
  v_pv double precision;
begin
  select * into r from app.early_warning_rules();
  -- The baseline with one 差评 and one non-差评 added (Laplace): a clean year (0 差评) is not a rate
  -- of 0, against which a single 差评 would be infinitely significant.
  v_p0 := (coalesce(p_baseline_bad, 0) + 1)::double precision / (coalesce(p_baseline_count, 0) + 2);
  v_pv := app.binomial_upper_tail(coalesce(p_recent_bad, 0)::integer, coalesce(p_recent_count, 0)::integer, v_p0);
  return query select v_p0, v_pv,
    coalesce(p_recent_count, 0) >= r.min_recent_count
    and coalesce(p_recent_bad, 0) >= r.min_recent_bad
    and coalesce(p_baseline_count, 0) >= r.min_baseline_count
    and coalesce(p_recent_bad, 0)::double precision / nullif(p_recent_count, 0) > v_p0
    and v_pv < r.alpha;
end;
$function$;
comment on function app.early_warning_decision(bigint, bigint, bigint, bigint) is 'Issue 16.4: the smoothed baseline 差评 rate, the one-sided binomial p-value of the window''s 差评 against it, and whether that is an alert. Twin: earlyWarningDecision in shared/early-warning.ts.';
revoke all on function app.early_warning_decision(bigint, bigint, bigint, bigint) from public;

-- Issue 16.4's counts, for every unit and window of a region (and below) with active ratings in
-- the 13 months: per window of days, the active ratings and 差评 of its recent days and of the
-- baseline year just before them. Read from app.stats_rollup's window facet, as stats() reads any
-- span (whole months from month rows, the days around them from day rows) — a unit's rows are
-- those of its windows plus its null-window row, so one read serves both — and each rollup row
-- once however many of the four spans hold it. The rows read grow with the units and windows, not
-- with the ratings (13 months of the daily rollup: about one row per two ratings).
-- Active ratings only (仅主动): defaults come 5 working days after 办结 and are never 差评, so the
-- last days hold fewer of them than the baseline does, which would make every recent rate look high.
create or replace function app.early_warning_counts (
  p_region_code text,
  p_as_of       date
)
  returns table (
    object_type    text,
    object_id      uuid,
    window_days    integer,
    recent_count   bigint,
    recent_bad     bigint,
    baseline_count bigint,
    baseline_bad   bigint
  )
  language sql
  stable
  set search_path to ''
  as $function$
  with rules as (select * from app.early_warning_rules()),
  spans as (
    select w.days, s.part, x.m_from, x.m_to, x.edge_days
    from rules cross join unnest(rules.window_days) w (days)
    cross join lateral (values ('recent', p_as_of - w.days + 1, p_as_of),
                               ('baseline', p_as_of - w.days - rules.baseline_days + 1, p_as_of - w.days)) s (part, span_from, span_to)
    cross join lateral app.stats_span(s.span_from, s.span_to, 'window') x
  ),
  -- Which rollup rows make each span: its whole months' month rows, its other days' day rows.
  span_periods as (
    select s.days, s.part, 'month'::text as grain, g::date as period
    from spans s cross join generate_series(s.m_from::timestamp, s.m_to::timestamp - interval '1 month', interval '1 month') g
    where s.m_from < s.m_to
    union all
    select s.days, s.part, 'day', d from spans s cross join unnest(s.edge_days) d
  ),
  scope as (select app.region_and_below(p_region_code) as code),
  -- The periods go in as scalar subqueries, so they are index conditions (see app.stats_rollup_counts).
  picked as (
    select r.grain, r.period, r.unit_id, r.facet_key, r.rating_count - r.default_count as n, r.bad_count as bad
    from app.stats_rollup r
    where r.facet = 'window' and r.grain = 'month'
      and r.period = any ((select array_agg(distinct p.period) from span_periods p where p.grain = 'month')::date[])
      and r.region_code in (select code from scope)
    union all
    select r.grain, r.period, r.unit_id, r.facet_key, r.rating_count - r.default_count, r.bad_count
    from app.stats_rollup r
    where r.facet = 'window' and r.grain = 'day'
      and r.period = any ((select array_agg(distinct p.period) from span_periods p where p.grain = 'day')::date[])
      and r.region_code in (select code from scope)
  ),
  per_span as (
    select sp.days, sp.part, p.unit_id, p.facet_key, sum(p.n) as n, sum(p.bad) as bad
    from picked p join span_periods sp on sp.grain = p.grain and sp.period = p.period
    group by 1, 2, 3, 4
  ),
  objs as (
    select 'unit'::text as t, ps.unit_id as id, ps.days, ps.part, ps.n, ps.bad from per_span ps
    union all
    select 'window', ps.facet_key::uuid, ps.days, ps.part, ps.n, ps.bad from per_span ps where ps.facet_key is not null
  )
  select o.t, o.id, o.days,
    coalesce(sum(o.n) filter (where o.part = 'recent'), 0)::bigint,
    coalesce(sum(o.bad) filter (where o.part = 'recent'), 0)::bigint,
    coalesce(sum(o.n) filter (where o.part = 'baseline'), 0)::bigint,
    coalesce(sum(o.bad) filter (where o.part = 'baseline'), 0)::bigint
  from objs o
  group by 1, 2, 3;
$function$;
comment on function app.early_warning_counts(text, date) is 'Issue 16.4: per unit and window of a region (and below) and per window of days (7, 30), the active ratings and 差评 of the days up to p_as_of and of the baseline year before them, from app.stats_rollup. What app.early_warning_rows tests.';
revoke all on function app.early_warning_counts(text, date) from public;

create or replace function app.early_warning_rows (
  p_region_code text,
  p_as_of       date
)
  returns table (
    object_type    text,
    object_id      uuid,
    object_name    text,
    unit_name      text,
    region_code    text,
    window_days    integer,
    recent_from    date,
    recent_count   bigint,
    recent_bad     bigint,
    recent_rate    double precision,
    baseline_from  date,
    baseline_to    date,
    baseline_count bigint,
    baseline_bad   bigint,
    baseline_rate  double precision,
    p_value        double precision
  )
  language sql
  stable
  set search_path to ''
  as $function$
  with rules as (select * from app.early_warning_rules())
  select a.object_type, a.object_id, named.object_name, named.unit_name, named.region_code, a.window_days, p_as_of - a.window_days + 1,
         a.recent_count, a.recent_bad, round((a.recent_bad::numeric / nullif(a.recent_count, 0)), 4)::double precision,
         p_as_of - a.window_days - rules.baseline_days + 1, p_as_of - a.window_days,
         a.baseline_count, a.baseline_bad, dec.baseline_rate, dec.p_value
  -- The rule's count thresholds first, so the test runs only where an alert is possible.
  from (select c.* from app.early_warning_counts(p_region_code, p_as_of) c, rules
        where c.recent_count >= rules.min_recent_count and c.recent_bad >= rules.min_recent_bad) a
  cross join rules
  cross join lateral (
    select u.name as object_name, null::text as unit_name, u.region_code from app.units u where a.object_type = 'unit' and u.id = a.object_id
    union all
    select h.name || ' ' || x.name, u.name, u.region_code
    from app.windows x join app.halls h on h.id = x.hall_id join app.units u on u.id = x.unit_id
    where a.object_type = 'window' and x.id = a.object_id
  ) named
  cross join lateral app.early_warning_decision(a.recent_count, a.recent_bad, a.baseline_count, a.baseline_bad) dec
  where dec.alert
  order by dec.p_value, a.object_type, a.window_days, a.object_id;
$function$;
comment on function app.early_warning_rows(text, date) is 'Issue 16.4: the units and windows of a region (and below) alerting on p_as_of (Asia/Shanghai day, inclusive) for each window of days, with the numbers that made each alert.';
revoke all on function app.early_warning_rows(text, date) from public;

create or replace function public.early_warnings (
  p_region_code text default null::text,
  p_as_of       date default null::date
)
  returns table (
    object_type    text,
    object_id      uuid,
    object_name    text,
    unit_name      text,
    region_code    text,
    window_days    integer,
    recent_from    date,
    recent_count   bigint,
    recent_bad     bigint,
    recent_rate    double precision,
    baseline_from  date,
    baseline_to    date,
    baseline_count bigint,
    baseline_bad   bigint,
    baseline_rate  double precision,
    p_value        double precision
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := app.analytics_region(p_region_code);
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
begin
  if p_as_of is not null and (p_as_of > v_today or p_as_of < v_today - 3660) then
    perform app.raise_error('invalid_input', 'p_as_of');
  end if;
  return query select * from app.early_warning_rows(v_region, coalesce(p_as_of, v_today));
end;
$function$;
comment on function public.early_warnings(text, date) is 'Issue 16.4 预警 for supervisors (their regions only; null = the widest): units and windows whose 差评 rate over the last 7 or 30 days (to p_as_of, default today in Asia/Shanghai; active ratings) is significantly above their own 365-day baseline before it (one-sided binomial test, p < 0.01, at least 20 ratings and 5 差评 in the window), with the counts, rates and p-value. No rater.';
revoke all on function public.early_warnings(text, date) from public;
grant execute on function public.early_warnings(text, date) to authenticated, service_role;

-- —— 差评热点

create or replace function public.bad_review_topics (
  p_from        date,
  p_to          date,
  p_region_code text default null::text,
  p_unit_id     uuid default null::uuid,
  p_matter_id   uuid default null::uuid
)
  returns table (
    period    text,
    kind      text,
    tag_code  text,
    tag_name  text,
    body      text,
    n         bigint
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_region text := app.analytics_region(p_region_code);
  v_days integer;
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 365 or p_from < date '2000-01-01' or p_to > date '2999-12-31' then
    perform app.raise_error('invalid_input', 'p_from/p_to');
  end if;
  if p_unit_id is not null and not exists (
    select 1 from app.units u where u.id = p_unit_id and u.region_code in (select app.region_and_below(v_region))
  ) then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  if p_matter_id is not null and not exists (
    select 1 from app.matters m join app.units u on u.id = m.unit_id
    where m.id = p_matter_id and u.region_code in (select app.region_and_below(v_region))
  ) then
    perform app.raise_error('not_found', 'p_matter_id');
  end if;
  v_days := p_to - p_from + 1;
  return query
  with bad as (
    -- Valid active 差评 of the scope in this period and the one as long just before it. No rater,
    -- no time, no id leaves this function: only counts and the comment texts, grouped.
    select case when (r.rated_at at time zone 'Asia/Shanghai')::date >= p_from then 'current' else 'previous' end as period,
           r.tags, r.tag_version, r.comment
    from app.ratings r
    where r.is_bad and not r.is_default and r.assess_number = 1 and r.validity = 'valid'
      and r.rated_at >= ((p_from - v_days)::timestamp at time zone 'Asia/Shanghai')
      and r.rated_at < ((p_to + 1)::timestamp at time zone 'Asia/Shanghai')
      and r.region_code in (select app.region_and_below(v_region))
      and (p_unit_id is null or r.unit_id = p_unit_id)
      and (p_matter_id is null or r.matter_id = p_matter_id)
  ),
  texts as (
    -- Long digit runs (a phone or ID number typed into a comment) are masked.
    select b.period, regexp_replace(btrim(b.comment), '[0-9０-９]{5,}', '＊＊＊', 'g') as body
    from bad b where nullif(btrim(b.comment), '') is not null
  ),
  grouped as (
    select t.period, t.body, count(*)::bigint as n,
           row_number() over (partition by t.period order by count(*) desc, t.body) as place
    from texts t group by t.period, t.body
  )
  select p.period, 'total'::text, null::text, null::text, null::text, (select count(*) from bad b where b.period = p.period)::bigint
  from (values ('current'), ('previous')) p (period)
  union all
  select p.period, 'commented', null, null, null, (select count(*) from texts t where t.period = p.period)::bigint
  from (values ('current'), ('previous')) p (period)
  union all
  select b.period, 'tag', t.code, min(e.name), null, count(*)::bigint
  from bad b cross join lateral unnest(b.tags) t (code)
  left join app.eval_tags e on e.code = t.code and e.version = b.tag_version
  group by b.period, t.code
  union all
  -- At most 2,000 distinct texts a period (the most repeated first): enough for the words that
  -- recur, and a bounded answer at province scale (the commented row says how many there were).
  select g.period, 'comment', null, null, g.body, g.n from grouped g where g.place <= 2000
  order by 1, 2, 6 desc, 3, 5;
end;
$function$;
comment on function public.bad_review_topics(date, date, text, uuid, uuid) is 'Issue 16.3 差评热点 for supervisors (their regions only; null region = the widest; optionally one unit or one 事项 of it): for p_from..p_to and the period as long just before it, the number of valid active 差评 (total), of those with a comment (commented), each tag''s count, and the comment texts grouped with their counts (long digit runs masked; at most 2,000 a period). No rater, id or time. Words are counted by shared/hot-topics.ts.';
revoke all on function public.bad_review_topics(date, date, text, uuid, uuid) from public;
grant execute on function public.bad_review_topics(date, date, text, uuid, uuid) to authenticated, service_role;

-- —— 预警 daily digest

create table app.warning_digests (
  id           bigint                   generated always as identity not null,
  user_id      uuid                     not null,
  region_code  text                     not null,
  shanghai_day date                     not null,
  alert_count  integer                  not null,
  alerts       jsonb                    not null,
  created_at   timestamp with time zone not null default now(),
  message_key  uuid                     not null default gen_random_uuid(),
  constraint warning_digests_alert_count_check check ((alert_count > 0)),
  constraint warning_digests_message_key_key unique (message_key),
  constraint warning_digests_pkey primary key (id),
  constraint warning_digests_user_id_region_code_shanghai_day_key unique (user_id, region_code, shanghai_day)
);
alter table app.warning_digests
  enable row level security;
alter table app.warning_digests
  add constraint warning_digests_region_code_fkey foreign key (region_code) references app.regions(code);
create index warning_digests_region_code_idx on app.warning_digests using btree (region_code);
alter table app.warning_digests
  add constraint warning_digests_user_id_fkey foreign key (user_id) references app.users(id);
comment on table app.warning_digests is 'Issue 16.4: the daily 预警 digest of each supervisor (per supervised region) on a day with alerts, recorded by the job record-warning-digests. send-reminders sends it (region, number of alerts, day) to a supervisor holding a ''warning'' subscription, at most once: app.reminder_log (kind warning, subject = message_key) records the sending. Without a subscription it stays here, on the dashboard (my_warning_digests).';
grant select on table app.warning_digests to service_role;

create policy warning_digests_select on app.warning_digests
  for select
  to service_role
  using (true);

create or replace function public.record_warning_digests (
  p_now timestamp with time zone default now()
)
  returns integer
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_day date;
  v_rows integer;
begin
  if p_now is null or not isfinite(p_now) or p_now > now() + interval '1 day' or p_now < now() - interval '3660 days' then
    perform app.raise_error('invalid_input', 'p_now');
  end if;
  v_day := (p_now at time zone 'Asia/Shanghai')::date;
  -- Each region's alerts computed once, then given to every supervisor of it; once a day each.
  with regions as (
    select distinct s.scope_region_code as code from app.staff_roles s where s.role = 'supervisor'
  ),
  alerts as (
    select g.code, count(*)::integer as n,
           jsonb_agg(jsonb_build_object('object_type', a.object_type, 'object_id', a.object_id, 'object_name', a.object_name,
             'unit_name', a.unit_name, 'window_days', a.window_days, 'recent_count', a.recent_count, 'recent_bad', a.recent_bad,
             'baseline_count', a.baseline_count, 'baseline_bad', a.baseline_bad, 'baseline_rate', a.baseline_rate, 'p_value', a.p_value)
             order by a.p_value, a.object_type, a.window_days, a.object_id) as body
    from regions g cross join lateral app.early_warning_rows(g.code, v_day) a
    group by g.code
  )
  insert into app.warning_digests (user_id, region_code, shanghai_day, alert_count, alerts)
  select s.user_id, a.code, v_day, a.n, a.body
  from alerts a join app.staff_roles s on s.role = 'supervisor' and s.scope_region_code = a.code
  on conflict (user_id, region_code, shanghai_day) do nothing;
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$function$;
comment on function public.record_warning_digests(timestamp with time zone) is 'Issue 16.4 job: records today''s (Asia/Shanghai) 预警 digest for every supervisor of a region with alerts, once a day; returns how many it recorded. Service role only.';
revoke all on function public.record_warning_digests(timestamp with time zone) from public;
grant execute on function public.record_warning_digests(timestamp with time zone) to service_role;

create or replace function public.my_warning_digests()
  returns table (
    id             bigint,
    region_code    text,
    region_name    text,
    shanghai_day   date,
    alert_count    integer,
    alerts         jsonb,
    message_status text,
    sent_at        timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_uid uuid := app.require_user();
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  -- The caller's own digests of the last 30 days, for the regions they still supervise; with
  -- what became of the message (null: none was sent, e.g. no subscription or no WeChat link).
  return query
  select d.id, d.region_code, g.name, d.shanghai_day, d.alert_count, d.alerts, l.status, l.sent_at
  from app.warning_digests d
  join app.regions g on g.code = d.region_code
  left join app.reminder_log l on l.kind = 'warning' and l.subject_id = d.message_key
  where d.user_id = v_uid
    and d.region_code in (select app.my_region_codes())
    and d.shanghai_day >= (now() at time zone 'Asia/Shanghai')::date - 29
  order by d.shanghai_day desc, d.region_code;
end;
$function$;
comment on function public.my_warning_digests() is 'Issue 16.4 (supervisors; others forbidden): the caller''s daily 预警 digests of the last 30 days (region, day, number of alerts, the alerts with their numbers; no rater) and the subscription message''s status (sending, retry, sent, failed; null = not sent).';
revoke all on function public.my_warning_digests() from public;
grant execute on function public.my_warning_digests() to authenticated, service_role;
