-- R17's job side. due_reminders(p_now) claims what is due now — retries first, then at most one
-- new message per person per Asia/Shanghai day (a reply before a reminder before an invitation)
-- for people holding an unused subscription of that kind — and answers with the template
-- fields already cut to WeChat's limits (thing ≤ 20, character_string ≤ 32, phrase ≤ 5).
-- record_reminder_result books the outcome: sent uses the subscription; 43101 (the user's
-- quota is gone) zeroes it; busy and network errors retry with backoff, three tries in all.
-- A claim left 'sending' for 10 minutes is failed, not resent: a message may have gone out.

create function public.due_reminders(p_now timestamptz default now(), p_limit int default 500)
returns table (
  log_id uuid,
  kind text,
  user_id uuid,
  platform text,
  matter_name text,
  unit_name text,
  project_no text,
  finished_at timestamptz,
  rating_due_on date,
  status_phrase text,
  note text
)
language plpgsql
security definer
set search_path = ''
as $$
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
    from app.transactions t
    where t.status = 'finished' and t.first_rating_id is null and t.applicant_user_id is not null
      and t.rating_due_at > p_now and t.rating_due_at - interval '15 hours' <= p_now
    union all
    select 'invite', t.id, t.applicant_user_id, 3
    from app.transactions t
    where t.status = 'finished' and t.first_rating_id is null and t.applicant_user_id is not null
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
      and not exists (select 1 from app.reminder_log l where l.user_id = c.user_id and l.shanghai_day = v_today)
    order by c.user_id, c.priority
    limit p_limit
  )
  insert into app.reminder_log (kind, subject_id, user_id, platform, claimed_at, shanghai_day)
  select e.kind, e.subject_id, e.user_id, e.platform, p_now, v_today from eligible e
  on conflict (kind, subject_id) do nothing;

  return query
  select l.id, l.kind, l.user_id, l.platform,
         left(m.name, 20), left(u.name, 20), left(t.project_no, 32), t.finished_at,
         (t.rating_due_at at time zone 'Asia/Shanghai')::date - 1,
         case l.kind when 'reply' then '已回复' when 'reminder' then '待评价' else '已办结' end,
         case l.kind
           when 'reply' then left(w.reply, 20)
           when 'reminder' then '今天是最后一天，逾期默认基本满意'
           else '办结后5个工作日内可评价' end
  from app.reminder_log l
  left join app.work_orders w on l.kind = 'reply' and w.id = l.subject_id
  left join app.transactions t on t.id = case when l.kind = 'reply' then w.transaction_id else l.subject_id end
  left join app.matters m on m.id = coalesce(t.matter_id, w.matter_id)
  left join app.units u on u.id = coalesce(t.unit_id, w.unit_id)
  where l.status = 'sending' and l.claimed_at = p_now
  order by l.id;
end;
$$;
comment on function public.due_reminders(timestamptz, int) is 'R17 job: claims the messages due at p_now (retries, then at most one per person per day) and returns their template fields.';

create function public.record_reminder_result(p_log_id uuid, p_ok boolean, p_error_code text default null, p_now timestamptz default now())
returns text
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.record_reminder_result(uuid, boolean, text, timestamptz) is 'R17: the outcome of one send (WeChat/Alipay error code when it failed).';

revoke execute on function public.due_reminders(timestamptz, int), public.record_reminder_result(uuid, boolean, text, timestamptz) from public, anon, authenticated;
grant execute on function public.due_reminders(timestamptz, int), public.record_reminder_result(uuid, boolean, text, timestamptz) to service_role;
