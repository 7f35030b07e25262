-- History of the 差评 loop for the demo: the seeded 差评 opened their work orders through the
-- rating trigger; here the older ones are walked through what units and supervisors did, with
-- the audit rows (R14) a real history would have left, so timelines, 整改率 and the 差评 board
-- look lived-in. Deterministic: every choice is a hash of the 差评's 办件编号 (or rating time).

-- R13: the officer a 差评 is about never handles it; the window's other officer does (each
-- window has two), and appeals it when it is appealed.
create temporary table demo_orders on commit drop as
select w.id, w.rating_id, w.region_code, w.is_realname, w.opened_at,
       abs(hashtext(coalesce(t.project_no, r.rated_at::text))) % 100 as h,
       (w.opened_at at time zone 'Asia/Shanghai')::date as opened_day,
       case when w.window_id is null then null
            when w.staff_user_id = md5('officer:' || w.window_id || ':1')::uuid then md5('officer:' || w.window_id || ':2')::uuid
            else md5('officer:' || w.window_id || ':1')::uuid end as colleague
from app.work_orders w
join app.ratings r on r.id = w.rating_id
left join app.transactions t on t.id = w.transaction_id
where w.opened_at < now() - interval '3 days';

-- 核实 the next working day (9 in 10), or appeal it (1 in 10: half approved, half rejected).
update app.work_orders w
set verified_at = (public.add_working_days(d.opened_day, 1) + time '10:00') at time zone 'Asia/Shanghai',
    substantiated_at = (public.add_working_days(d.opened_day, 1) + time '10:00') at time zone 'Asia/Shanghai',
    handler_user_id = d.colleague,
    rectify_due_on = public.add_working_days(public.add_working_days(d.opened_day, 1), 15),
    rectify_due_provisional = false,
    status = 'rectifying'
from demo_orders d
where d.id = w.id and d.h >= 10;

insert into app.appeals (work_order_id, unit_id, region_code, appellant_user_id, reason, statement, status, decided_by, decided_at, decision_note, created_at)
select w.id, w.unit_id, w.region_code, coalesce(d.colleague, '00000000-0000-4000-8000-000000000b02'),
       case when d.h < 5 then 'malicious' else 'mistaken' end,
       case when d.h < 5 then '经调取窗口录像，评价人当日未到窗口办理该事项。' else '评价内容与该办件的办理过程不符，疑为误评。' end,
       case when d.h < 5 then 'approved' else 'rejected' end,
       '00000000-0000-4000-8000-000000000c01',
       (public.add_working_days(d.opened_day, 3) + time '15:00') at time zone 'Asia/Shanghai',
       case when d.h < 5 then '录像证实未到窗口，申诉成立。' else '证据不足，申诉不成立，请按期整改。' end,
       (d.opened_day + time '17:00') at time zone 'Asia/Shanghai'
from demo_orders d join app.work_orders w on w.id = d.id
where d.h < 10;

update app.work_orders w
set status = 'dismissed'
from demo_orders d where d.id = w.id and d.h < 5;
update app.ratings r set validity = 'invalid'
from demo_orders d where d.rating_id = r.id and d.h < 5;

update app.work_orders w
set substantiated_at = (public.add_working_days(d.opened_day, 3) + time '15:00') at time zone 'Asia/Shanghai',
    handler_user_id = d.colleague,
    rectify_due_on = public.add_working_days(public.add_working_days(d.opened_day, 3), 15),
    rectify_due_provisional = false,
    status = 'rectifying'
from demo_orders d where d.id = w.id and d.h between 5 and 9;

-- 整改: most 5–13 working days after 查实 (within the 15), one in ten late (17); orders still open past their due date are
-- marked overdue by escalate_overdue at the end.
update app.work_orders w
set rectified_at = (public.add_working_days((w.substantiated_at at time zone 'Asia/Shanghai')::date, case when d.h % 10 = 0 then 17 else 5 + d.h % 9 end) + time '16:00') at time zone 'Asia/Shanghai',
    measures = (array['制作一次性告知单，在窗口醒目位置张贴材料清单。', '对窗口人员开展服务规范培训，推行首问负责制。', '优化叫号流程，高峰时段增开窗口。', '更新办事指南，明确办理时限和所需材料。'])[1 + d.h % 4],
    root_cause = (array['材料告知不一次到位', '服务用语不规范', '高峰时段窗口不足', '办事指南与实际要求不一致'])[1 + d.h % 4],
    status = 'rectified'
from demo_orders d
where d.id = w.id and w.status = 'rectifying' and d.h % 10 <> 1
  and public.add_working_days((w.substantiated_at at time zone 'Asia/Shanghai')::date, case when d.h % 10 = 0 then 17 else 5 + d.h % 9 end) < (now() at time zone 'Asia/Shanghai')::date;

update app.work_orders w
set replied_at = w.rectified_at + interval '1 day',
    reply = '感谢您的监督。针对您反映的问题，我们已' || w.measures,
    status = case when w.is_realname then 'replied' else 'closed' end,
    closed_at = case when w.is_realname then null else w.rectified_at + interval '1 day' end
from demo_orders d
where d.id = w.id and w.status = 'rectified' and w.rectified_at + interval '1 day' < now() and d.h % 10 <> 2;

update app.work_orders w
set return_visit_method = (array['phone', 'sms', 'onsite'])[1 + d.h % 3],
    return_visit_on = ((w.replied_at + interval '2 days') at time zone 'Asia/Shanghai')::date,
    return_visit_satisfaction = case when d.h % 10 = 3 then 'basically_satisfied' else 'satisfied' end,
    return_visit_recorded_at = w.replied_at + interval '2 days',
    closed_at = w.replied_at + interval '2 days',
    status = 'closed'
from demo_orders d
where d.id = w.id and w.status = 'replied' and w.replied_at + interval '2 days' < now() and d.h % 10 <> 4;

-- The audit rows those steps would have written, at the times they happened.
insert into app.audit_log (at, actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, note, due_on, region_code)
select e.at, e.actor, 'authenticated', 'work_order', w.id, w.id, e.action, e.state_from, e.state_to, e.note, e.due_on, w.region_code
from demo_orders d
join app.work_orders w on w.id = d.id
left join app.appeals a on a.work_order_id = w.id
cross join lateral (values
  (w.verified_at, w.handler_user_id, 'verified', 'pending_verification', 'rectifying', null::text, w.rectify_due_on),
  (a.created_at, a.appellant_user_id, 'appealed', 'pending_verification', 'appealing', null, null::date),
  (a.decided_at, a.decided_by, case a.status when 'approved' then 'appeal_approved' else 'appeal_rejected' end,
   'appealing', case a.status when 'approved' then 'dismissed' else 'rectifying' end, a.decision_note,
   case a.status when 'rejected' then w.rectify_due_on end),
  (w.rectified_at, w.handler_user_id, 'rectified', 'rectifying', 'rectified', w.measures, null),
  (w.replied_at, w.handler_user_id, 'replied', 'rectified', 'replied', w.reply, null),
  (case when not w.is_realname then w.closed_at end, w.handler_user_id, 'closed', 'replied', 'closed', null, null),
  (w.return_visit_recorded_at, w.handler_user_id, 'return_visit', 'replied', 'replied', null, null),
  (w.return_visit_recorded_at, w.handler_user_id, 'closed', 'replied', 'closed', null, null)
) as e (at, actor, action, state_from, state_to, note, due_on)
where e.at is not null
order by e.at;

insert into app.audit_log (at, actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, note, region_code)
select a.decided_at, null, 'postgres', 'rating', r.id, null, 'validity_changed', 'valid', 'invalid', null, r.region_code
from app.appeals a join app.work_orders w on w.id = a.work_order_id join app.ratings r on r.id = w.rating_id
where a.status = 'approved';

-- Some raters let their comment be published on the 差评 board.
update app.ratings r set comment_public = true
from demo_orders d where d.rating_id = r.id and r.comment is not null and d.h % 3 = 0;

select public.escalate_overdue();
