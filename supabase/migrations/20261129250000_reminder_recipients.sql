-- R17: whom send-reminders sends a claimed message to. The platform identity (WeChat openid of
-- the configured mini-program, Alipay user_id / open_id) lives only in app.user_platform_links;
-- this is the one door to it for the job, and it opens only for rows the job has just claimed
-- (status 'sending'). A claimed row whose person has no link on that platform and app is failed
-- here with 'no_recipient' (record_reminder_result's semantics: no retry, nothing used up).

create function public.reminder_recipients(
  p_log_ids uuid[],
  p_wechat_app_id text,
  p_alipay_app_id text,
  p_now timestamptz default now()
)
returns table (log_id uuid, recipient text, transaction_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
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
         case when l.kind = 'reply' then (select w.transaction_id from app.work_orders w where w.id = l.subject_id)
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
$$;
comment on function public.reminder_recipients(uuid[], text, text, timestamptz) is
  'R17 job: the platform recipient (WeChat openid for p_wechat_app_id, Alipay subject for p_alipay_app_id) and the 办件 of each claimed message; claimed rows without one are failed as no_recipient.';

revoke execute on function public.reminder_recipients(uuid[], text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.reminder_recipients(uuid[], text, text, timestamptz) to service_role;
