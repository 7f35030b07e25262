-- Open 差评 for the demo unit (临翔区市场监督管理局, whose officer and admin are personas), so that
-- staff-linxiang and unit-admin-linxiang find work on their 工作台: one waiting for 核实, one in
-- 整改, one answered and waiting for its 回访 — 办件 served by the window's other officer, so that
-- staff-linxiang may handle them — and one about staff-linxiang's own work (WO-4), which they see
-- marked as theirs and may not touch (R13): the unit admin verifies it or assigns a colleague.
-- Raters are real-name history citizens, not the citizen personas (whose pending lists stay as
-- SPEC §4 says).

with unit as (
  select u.id, u.region_code, w.id as window_id, w.hall_id,
         (select m.id from app.matters m where m.unit_id = u.id order by m.code limit 1) as matter_id
  from app.units u join app.windows w on w.unit_id = u.id
  where u.name = '临翔区市场监督管理局'
)
insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                              applicant_user_id, channel, status, accepted_at, finished_at)
select 'LC-DEMO-WO-' || k, unit.matter_id, unit.id, unit.region_code, unit.hall_id, unit.window_id,
       case when k = 4 then '00000000-0000-4000-8000-000000000b01'::uuid else md5('officer:' || unit.window_id || ':1')::uuid end,
       md5('citizen:' || k)::uuid, 'pc', 'finished',
       now() - make_interval(days => 4 + k), now() - make_interval(days => 3 + k)
from unit cross join generate_series(1, 4) k;

insert into app.ratings (transaction_id, level, tags, comment, channel, is_anonymous, rater_user_id, unit_id, region_code,
                         matter_id, hall_id, window_id, staff_user_id, rated_at, comment_public)
select t.id, d.level, d.tags, d.comment, 'mobile', false, t.applicant_user_id, t.unit_id, t.region_code,
       t.matter_id, t.hall_id, t.window_id, t.staff_user_id, now() - make_interval(hours => d.hours_ago), true
from app.transactions t
join (values
  ('LC-DEMO-WO-1', 1, '{115}'::text[], '材料清单前后说法不一，跑了三趟才办成。', 10),
  ('LC-DEMO-WO-2', 2, '{213}'::text[], '窗口午休时间没人，等了一个多小时。', 60),
  ('LC-DEMO-WO-3', 1, '{115}'::text[], '办事指南上的材料和窗口要求的不一致。', 100),
  ('LC-DEMO-WO-4', 2, '{213}'::text[], '窗口人员边办业务边看手机，解释也不耐烦。', 20)
) as d (project_no, level, tags, comment, hours_ago) on d.project_no = t.project_no;

-- WO-2: verified yesterday by staff-linxiang, rectification under way.
update app.work_orders w
set status = 'rectifying', verified_at = now() - interval '1 day', substantiated_at = now() - interval '1 day',
    handler_user_id = '00000000-0000-4000-8000-000000000b01',
    rectify_due_on = public.add_working_days(((now() - interval '1 day') at time zone 'Asia/Shanghai')::date, 15),
    rectify_due_provisional = false
from app.transactions t where t.id = w.transaction_id and t.project_no = 'LC-DEMO-WO-2';

-- WO-3: verified, rectified and answered; its 回访 is still to do.
update app.work_orders w
set status = 'replied', verified_at = now() - interval '3 days', substantiated_at = now() - interval '3 days',
    handler_user_id = '00000000-0000-4000-8000-000000000b01',
    rectify_due_on = public.add_working_days(((now() - interval '3 days') at time zone 'Asia/Shanghai')::date, 15),
    rectify_due_provisional = false,
    rectified_at = now() - interval '2 days', measures = '更新办事指南并在窗口张贴一次性告知单。', root_cause = '办事指南未随新规更新',
    replied_at = now() - interval '1 day', reply = '感谢您的反馈，我们已更新办事指南并在窗口张贴一次性告知单。'
from app.transactions t where t.id = w.transaction_id and t.project_no = 'LC-DEMO-WO-3';

insert into app.audit_log (at, actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, note, due_on, region_code)
select e.at, '00000000-0000-4000-8000-000000000b01', 'authenticated', 'work_order', w.id, w.id, e.action, e.state_from, e.state_to, e.note, e.due_on, w.region_code
from app.work_orders w
join app.transactions t on t.id = w.transaction_id and t.project_no in ('LC-DEMO-WO-2', 'LC-DEMO-WO-3')
cross join lateral (values
  (w.verified_at, 'verified', 'pending_verification', 'rectifying', null::text, w.rectify_due_on),
  (w.rectified_at, 'rectified', 'rectifying', 'rectified', w.measures, null::date),
  (w.replied_at, 'replied', 'rectified', 'replied', w.reply, null::date)
) as e (at, action, state_from, state_to, note, due_on)
where e.at is not null;
