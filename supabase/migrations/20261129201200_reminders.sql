-- R17 reminders. The applicant is invited to rate when a 办件 finishes and reminded once on the
-- last working day before the default applies; a rater hears when their 差评 gets a reply. A
-- message goes out only against an unused one-time subscription (wx.requestSubscribeMessage /
-- Alipay) for its template, at most one per person per day, and never twice for the same
-- thing: app.reminder_log holds one row per (kind, subject) for ever. due_reminders(p_now)
-- claims what is due; send-reminders sends it and reports with record_reminder_result.

create table app.message_subscriptions (
  user_id uuid not null references app.users (id),
  platform text not null check (platform in ('weapp', 'alipay')),
  kind text not null check (kind in ('invite', 'reminder', 'reply')),
  remaining int not null default 0 check (remaining between 0 and 100),
  updated_at timestamptz not null default now(),
  primary key (user_id, platform, kind)
);
comment on table app.message_subscriptions is 'R17: unused one-time subscriptions per user, platform and message kind. Each accepted request adds one; each send uses one; WeChat 43101 zeroes it.';
alter table app.message_subscriptions enable row level security;
create policy message_subscriptions_select on app.message_subscriptions for select to authenticated using (user_id = (select auth.uid()));
grant select on app.message_subscriptions to authenticated, service_role;

create table app.reminder_log (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('invite', 'reminder', 'reply')),
  subject_id uuid not null,
  user_id uuid not null references app.users (id),
  platform text not null check (platform in ('weapp', 'alipay')),
  status text not null default 'sending' check (status in ('sending', 'retry', 'sent', 'failed')),
  attempts int not null default 1,
  claimed_at timestamptz not null,
  next_attempt_at timestamptz,
  sent_at timestamptz,
  last_error text,
  shanghai_day date not null,
  unique (kind, subject_id)
);
comment on table app.reminder_log is 'R17: every message claimed for sending, one row per (kind, subject) for ever. subject = the 办件 (invite, reminder) or the work order (reply).';
create index reminder_log_user_day_idx on app.reminder_log (user_id, shanghai_day);
create index reminder_log_retry_idx on app.reminder_log (next_attempt_at) where status = 'retry';
alter table app.reminder_log enable row level security;
create policy reminder_log_select on app.reminder_log for select to service_role using (true);
grant select on app.reminder_log to service_role;

create index transactions_rating_due_unrated_idx on app.transactions (rating_due_at)
  where status = 'finished' and first_rating_id is null;
create index transactions_finished_at_idx on app.transactions (finished_at) where status = 'finished';
create index work_orders_replied_at_idx on app.work_orders (replied_at) where replied_at is not null;

create function public.record_subscriptions(p_platform text, p_kinds text[])
returns table (platform text, kind text, remaining int)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := app.require_user();
begin
  if p_platform is null or p_platform not in ('weapp', 'alipay') then
    perform app.raise_error('invalid_input', 'p_platform');
  end if;
  if p_kinds is null or cardinality(p_kinds) > 3
     or exists (select 1 from unnest(p_kinds) k where k is null or k not in ('invite', 'reminder', 'reply')) then
    perform app.raise_error('invalid_input', 'p_kinds');
  end if;
  return query
  insert into app.message_subscriptions as s (user_id, platform, kind, remaining)
  select v_uid, p_platform, k, 1 from (select distinct unnest(p_kinds) as k) x
  on conflict (user_id, platform, kind) do update set remaining = least(s.remaining + 1, 100), updated_at = now()
  returning s.platform, s.kind, s.remaining;
end;
$$;
comment on function public.record_subscriptions(text, text[]) is 'R17: the mini-program reports the message kinds the user just accepted (one more one-time send each).';

create function public.my_subscriptions()
returns table (platform text, kind text, remaining int)
language sql
stable
security invoker
set search_path = ''
as $$
  select s.platform, s.kind, s.remaining from app.message_subscriptions s where s.user_id = (select auth.uid()) order by 1, 2;
$$;

revoke execute on function public.record_subscriptions(text, text[]), public.my_subscriptions() from public, anon;
grant execute on function public.record_subscriptions(text, text[]), public.my_subscriptions() to authenticated;
