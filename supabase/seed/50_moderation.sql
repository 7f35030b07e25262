-- Issue 15.4 demo: the public 差评 board shows approved comments only. The trigger on app.ratings
-- queued every comment the seed made public (unchecked); here most demo ones are passed by the
-- content check and approved by supervisor-city (so the board is not empty), and the open
-- LC-DEMO-WO 差评 wait in the supervisors' moderation queue (WO-3 marked review by the machine
-- check). LC-DEMO-WO-4 stays unchecked: the local comment-check job takes it within a minute.
update app.comment_moderation m
set status = 'approved', check_suggest = 'pass', check_label = 100, check_trace_id = 'seed',
    checked_at = r.rated_at + interval '5 minutes',
    decided_by = '00000000-0000-4000-8000-000000000c01', decided_at = r.rated_at + interval '2 hours'
from app.ratings r
left join app.transactions t on t.id = r.transaction_id
where r.id = m.rating_id and m.status = 'unchecked' and coalesce(t.project_no, '') not like 'LC-DEMO-WO-%';

update app.comment_moderation m
set status = 'pending', check_suggest = case when t.project_no = 'LC-DEMO-WO-3' then 'review' else 'pass' end,
    check_label = case when t.project_no = 'LC-DEMO-WO-3' then 20001 else 100 end, check_trace_id = 'seed',
    checked_at = r.rated_at + interval '5 minutes', queued_at = r.rated_at
from app.ratings r
join app.transactions t on t.id = r.transaction_id
where r.id = m.rating_id and t.project_no in ('LC-DEMO-WO-1', 'LC-DEMO-WO-2', 'LC-DEMO-WO-3');

insert into app.audit_log (at, actor_user_id, actor_role, entity, entity_id, action, state_from, state_to, detail, region_code)
select m.decided_at, m.decided_by, 'authenticated', 'rating', m.rating_id, 'comment_approved', 'pending', 'approved',
       jsonb_build_object('moderation_id', m.id, 'check_suggest', m.check_suggest), m.region_code
from app.comment_moderation m
where m.status = 'approved';
