-- Reminders: what is due (work-order deadlines, pending ratings, supervisors' daily 预警 digests),
-- who is told through which platform subscription, and the record of each sending.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.message_subscriptions (
  user_id    uuid                     not null,
  platform   text                     not null,
  kind       text                     not null,
  remaining  integer                  not null default 0,
  updated_at timestamp with time zone not null default now(),
  constraint message_subscriptions_kind_check check ((kind = any (array['invite'::text, 'reminder'::text, 'reply'::text, 'warning'::text]))),
  constraint message_subscriptions_pkey primary key (user_id, platform, kind),
  constraint message_subscriptions_platform_check check ((platform = any (array['weapp'::text, 'alipay'::text]))),
  constraint message_subscriptions_remaining_check check (((remaining >= 0) and (remaining <= 100)))
);
alter table app.message_subscriptions
  enable row level security;
alter table app.message_subscriptions
  add constraint message_subscriptions_user_id_fkey foreign key (user_id) references app.users(id);
comment on table app.message_subscriptions is 'R17: unused one-time subscriptions per user, platform and message kind (invite, reminder, reply: citizens; warning: a supervisor''s daily 预警 digest, issue 16.4). Each accepted request adds one; each send uses one; WeChat 43101 zeroes it.';
grant select on table app.message_subscriptions to authenticated;
grant select on table app.message_subscriptions to service_role;

create table app.reminder_log (
  id              uuid                     not null default gen_random_uuid(),
  kind            text                     not null,
  subject_id      uuid                     not null,
  user_id         uuid                     not null,
  platform        text                     not null,
  status          text                     not null default 'sending'::text,
  attempts        integer                  not null default 1,
  claimed_at      timestamp with time zone not null,
  next_attempt_at timestamp with time zone,
  sent_at         timestamp with time zone,
  last_error      text,
  shanghai_day    date                     not null,
  constraint reminder_log_kind_check check ((kind = any (array['invite'::text, 'reminder'::text, 'reply'::text, 'warning'::text]))),
  constraint reminder_log_kind_subject_id_key unique (kind, subject_id),
  constraint reminder_log_pkey primary key (id),
  constraint reminder_log_platform_check check ((platform = any (array['weapp'::text, 'alipay'::text]))),
  constraint reminder_log_status_check check ((status = any (array['sending'::text, 'retry'::text, 'sent'::text, 'failed'::text])))
);
alter table app.reminder_log
  enable row level security;
alter table app.reminder_log
  add constraint reminder_log_user_id_fkey foreign key (user_id) references app.users(id);
create index reminder_log_retry_idx on app.reminder_log using btree (next_attempt_at)
  where (status = 'retry'::text);
create index reminder_log_user_day_idx on app.reminder_log using btree (user_id, shanghai_day);
comment on table app.reminder_log is 'R17: every message claimed for sending, one row per (kind, subject) for ever. subject = the 办件 (invite, reminder), the work order (reply) or the 预警 digest''s message_key (warning; app.warning_digests), so a digest goes out at most once.';
grant select on table app.reminder_log to service_role;

create or replace function public.record_subscriptions (
  p_platform text,
  p_kinds    text[]
)
  returns table (
    platform  text,
    kind      text,
    remaining integer
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_uid uuid := app.require_user();
begin
  if p_platform is null or p_platform not in ('weapp', 'alipay') then
    perform app.raise_error('invalid_input', 'p_platform');
  end if;
  if p_kinds is null or cardinality(p_kinds) > 4
     or exists (select 1 from unnest(p_kinds) k where k is null or k not in ('invite', 'reminder', 'reply', 'warning')) then
    perform app.raise_error('invalid_input', 'p_kinds');
  end if;
  -- The 预警 digest is a supervisor's work message: nobody else has one to receive.
  if 'warning' = any (p_kinds)
     and not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden', 'p_kinds');
  end if;
  return query
  insert into app.message_subscriptions as s (user_id, platform, kind, remaining)
  select v_uid, p_platform, k, 1 from (select distinct unnest(p_kinds) as k) x
  on conflict (user_id, platform, kind) do update set remaining = least(s.remaining + 1, 100), updated_at = now()
  returning s.platform, s.kind, s.remaining;
end;
$function$;
comment on function public.record_subscriptions(text, text[]) is 'R17: the mini-program reports the message kinds the user just accepted (one more one-time send each). warning (the daily 预警 digest, issue 16.4) is for supervisors only: anyone else is forbidden.';
revoke all on function public.record_subscriptions(text, text[]) from public;
grant execute on function public.record_subscriptions(text, text[]) to authenticated, service_role;

create or replace function public.my_subscriptions()
  returns table (
    platform  text,
    kind      text,
    remaining integer
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select s.platform, s.kind, s.remaining from app.message_subscriptions s where s.user_id = (select auth.uid()) order by 1, 2;
$function$;
revoke all on function public.my_subscriptions() from public;
grant execute on function public.my_subscriptions() to authenticated, service_role;

create or replace function public.due_reminders (
  p_now   timestamp with time zone default now(),
  p_limit integer                  default 500
)
  returns table (
    log_id        uuid,
    kind          text,
    user_id       uuid,
    platform      text,
    matter_name   text,
    unit_name     text,
    project_no    text,
    finished_at   timestamp with time zone,
    rating_due_on date,
    status_phrase text,
    note          text,
    region_name   text,
    alert_count   integer,
    digest_day    date
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_today date := (p_now at time zone 'Asia/Shanghai')::date;
begin
  if p_limit is null or p_limit not between 1 and 5000 then
    perform app.raise_error('invalid_input', 'p_limit');
  end if;
  -- One claimer at a time keeps "one per person per day" true under concurrent runs.
  perform pg_advisory_xact_lock(hashtext('public.due_reminders'));

  update app.reminder_log l set status = 'failed', last_error = 'unknown outcome (claim expired)'
  where l.status = 'sending' and l.claimed_at < p_now - interval '10 minutes';

  update app.reminder_log l set status = 'sending', claimed_at = p_now, attempts = l.attempts + 1
  where l.status = 'retry' and l.next_attempt_at <= p_now;

  with candidates as (
    select 'reply'::text as kind, w.id as subject_id, r.rater_user_id as user_id, 1 as priority
    from app.work_orders w join app.ratings r on r.id = w.rating_id
    where w.replied_at between p_now - interval '3 days' and p_now and r.rater_user_id is not null
    union all
    select 'reminder', t.id, t.applicant_user_id, 2
    from app.transactions t join app.rating_pending p on p.transaction_id = t.id
    where t.status = 'finished' and t.applicant_user_id is not null
      and t.rating_due_at > p_now and t.rating_due_at - interval '15 hours' <= p_now
    union all
    select 'invite', t.id, t.applicant_user_id, 3
    from app.transactions t join app.rating_pending p on p.transaction_id = t.id
    where t.status = 'finished' and t.applicant_user_id is not null
      and t.finished_at between p_now - interval '1 day' and p_now and t.rating_due_at > p_now
  ),
  eligible as (
    select distinct on (c.user_id) c.kind, c.subject_id, c.user_id, s.platform
    from candidates c
    join lateral (
      select s.platform from app.message_subscriptions s
      where s.user_id = c.user_id and s.kind = c.kind and s.remaining > 0
      order by s.remaining desc, s.platform limit 1
    ) s on true
    where not exists (select 1 from app.reminder_log l where l.kind = c.kind and l.subject_id = c.subject_id)
      -- A supervisor's 预警 digest is work, not a citizen's reminder: it does not use up the day.
      and not exists (select 1 from app.reminder_log l where l.user_id = c.user_id and l.shanghai_day = v_today and l.kind <> 'warning')
    order by c.user_id, c.priority
    limit p_limit
  ),
  warnings as (
    -- Issue 16.4: a recorded 预警 digest of today or yesterday (older news is left to the
    -- dashboard) to a supervisor who still supervises its region and holds a warning
    -- subscription; one a person at a time (a second region's digest waits for the first to be
    -- booked, so two never race for one subscription); never the same digest twice.
    select distinct on (d.user_id) 'warning'::text as kind, d.message_key as subject_id, d.user_id, s.platform
    from app.warning_digests d
    join lateral (
      select s.platform from app.message_subscriptions s
      where s.user_id = d.user_id and s.kind = 'warning' and s.remaining > 0
      order by s.remaining desc, s.platform limit 1
    ) s on true
    where d.shanghai_day >= v_today - 1
      and exists (select 1 from app.staff_roles r where r.user_id = d.user_id and r.role = 'supervisor' and r.scope_region_code = d.region_code)
      and not exists (select 1 from app.reminder_log l where l.kind = 'warning' and l.subject_id = d.message_key)
      and not exists (select 1 from app.reminder_log l where l.user_id = d.user_id and l.kind = 'warning' and l.status in ('sending', 'retry'))
    order by d.user_id, d.shanghai_day, d.id
  )
  insert into app.reminder_log (kind, subject_id, user_id, platform, claimed_at, shanghai_day)
  select e.kind, e.subject_id, e.user_id, e.platform, p_now, v_today
  from (select * from eligible union all select * from warnings) e
  limit p_limit
  on conflict (kind, subject_id) do nothing;

  return query
  select l.id, l.kind, l.user_id, l.platform,
         left(m.name, 20), left(u.name, 20), left(t.project_no, 32), t.finished_at,
         (t.rating_due_at at time zone 'Asia/Shanghai')::date - 1,
         case l.kind when 'reply' then '已回复' when 'reminder' then '待评价' when 'warning' then '差评预警' else '已办结' end,
         case l.kind
           when 'reply' then left(w.reply, 20)
           when 'reminder' then '今天是最后一天，逾期默认基本满意'
           when 'warning' then '请到监督台查看预警名单'
           else '办结后5个工作日内可评价' end,
         -- The digest's message: its region, how many alerts, which day. No unit, no rater.
         left(g.name, 20), d.alert_count, d.shanghai_day
  from app.reminder_log l
  left join app.work_orders w on l.kind = 'reply' and w.id = l.subject_id
  left join app.transactions t on t.id = case l.kind when 'reply' then w.transaction_id when 'warning' then null else l.subject_id end
  left join app.matters m on m.id = coalesce(t.matter_id, w.matter_id)
  left join app.units u on u.id = coalesce(t.unit_id, w.unit_id)
  left join app.warning_digests d on l.kind = 'warning' and d.message_key = l.subject_id
  left join app.regions g on g.code = d.region_code
  where l.status = 'sending' and l.claimed_at = p_now
  order by l.id;
end;
$function$;
comment on function public.due_reminders(timestamp with time zone, integer) is 'R17 job: claims the messages due at p_now (retries, then at most one per person per day; and supervisors'' 预警 digests of today or yesterday, issue 16.4, each once) and returns their template fields (a digest: region_name, alert_count, digest_day).';
revoke all on function public.due_reminders(timestamp with time zone, integer) from public;
grant execute on function public.due_reminders(timestamp with time zone, integer) to service_role;

create or replace function public.record_reminder_result (
  p_log_id     uuid,
  p_ok         boolean,
  p_error_code text                     default null::text,
  p_now        timestamp with time zone default now()
)
  returns text
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_l app.reminder_log;
begin
  select * into v_l from app.reminder_log l where l.id = p_log_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_log_id');
  end if;
  if v_l.status <> 'sending' or p_ok is null then
    perform app.raise_error('invalid_input', 'p_log_id');
  end if;
  if p_ok then
    update app.reminder_log l set status = 'sent', sent_at = p_now, last_error = null where l.id = p_log_id;
    update app.message_subscriptions s set remaining = greatest(s.remaining - 1, 0), updated_at = p_now
    where s.user_id = v_l.user_id and s.platform = v_l.platform and s.kind = v_l.kind;
    return 'sent';
  end if;
  if p_error_code = '43101' then
    update app.message_subscriptions s set remaining = 0, updated_at = p_now
    where s.user_id = v_l.user_id and s.platform = v_l.platform and s.kind = v_l.kind;
  end if;
  if p_error_code in ('-1', '45009', '45011', 'timeout', 'network', 'http_5xx') and v_l.attempts < 3 then
    update app.reminder_log l
    set status = 'retry', last_error = p_error_code, next_attempt_at = p_now + make_interval(mins => (2 ^ v_l.attempts)::int)
    where l.id = p_log_id;
    return 'retry';
  end if;
  update app.reminder_log l set status = 'failed', last_error = coalesce(p_error_code, 'unknown') where l.id = p_log_id;
  return 'failed';
end;
$function$;
comment on function public.record_reminder_result(uuid, boolean, text, timestamp with time zone) is 'R17: the outcome of one send (WeChat/Alipay error code when it failed).';
revoke all on function public.record_reminder_result(uuid, boolean, text, timestamp with time zone) from public;
grant execute on function public.record_reminder_result(uuid, boolean, text, timestamp with time zone) to service_role;

create or replace function public.reminder_recipients (
  p_log_ids       uuid[],
  p_wechat_app_id text,
  p_alipay_app_id text,
  p_now           timestamp with time zone default now()
)
  returns table (
    log_id         uuid,
    recipient      text,
    transaction_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_missing uuid;
begin
  if p_log_ids is null or cardinality(p_log_ids) > 5000 then
    perform app.raise_error('invalid_input', 'p_log_ids');
  end if;

  for v_missing in
    select l.id from app.reminder_log l
    where l.id = any (p_log_ids) and l.status = 'sending'
      and not exists (
        select 1 from app.user_platform_links pl
        where pl.user_id = l.user_id
          and pl.platform = case l.platform when 'weapp' then 'wechat' else 'alipay' end
          and pl.app_id = case l.platform when 'weapp' then p_wechat_app_id else p_alipay_app_id end)
    order by l.id
  loop
    perform public.record_reminder_result(v_missing, false, 'no_recipient', p_now);
  end loop;

  return query
  select l.id, pl.subject,
         case l.kind when 'reply' then (select w.transaction_id from app.work_orders w where w.id = l.subject_id)
                     when 'warning' then null
                     else l.subject_id end
  from app.reminder_log l
  join lateral (
    select x.subject from app.user_platform_links x
    where x.user_id = l.user_id
      and x.platform = case l.platform when 'weapp' then 'wechat' else 'alipay' end
      and x.app_id = case l.platform when 'weapp' then p_wechat_app_id else p_alipay_app_id end
    order by x.last_login_at desc, x.created_at desc
    limit 1
  ) pl on true
  where l.id = any (p_log_ids) and l.status = 'sending'
  order by l.id;
end;
$function$;
comment on function public.reminder_recipients(uuid[], text, text, timestamp with time zone) is 'R17 job: the platform recipient (WeChat openid for p_wechat_app_id, Alipay subject for p_alipay_app_id) and the 办件 of each claimed message; claimed rows without one are failed as no_recipient.';
revoke all on function public.reminder_recipients(uuid[], text, text, timestamp with time zone) from public;
grant execute on function public.reminder_recipients(uuid[], text, text, timestamp with time zone) to service_role;

create policy message_subscriptions_select on app.message_subscriptions
  for select
  to authenticated
  using ((user_id = ( select auth.uid() as uid)));

create policy reminder_log_select on app.reminder_log
  for select
  to service_role
  using (true);
