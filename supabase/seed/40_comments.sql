-- 综合点评, 回访抽查 and 第三方评估 demo data (R18): comments in every state for units of 临翔区
-- and 凤庆县, from the 意见箱 and from the other sources, and one third-party assessment.
-- Ids are md5 of a stable name; times are relative to now. Contacts are stored encrypted with
-- the local PII key (R13), as submit_comment / record_comment store them.

insert into app.comments (id, kind, source, content, author_user_id, contact_enc, contact_masked, region_code, unit_id, status,
                          routed_at, reply, replied_at, replied_by, close_note, closed_at, received_at, recorded_by,
                          created_at, updated_at, updated_by)
select md5('comment:' || c.n)::uuid, c.kind, c.source, c.content, c.author::uuid, app.pii_encrypt(c.contact), app.mask_contact(c.contact),
       coalesce((select u.region_code from app.units u where u.name = c.unit), c.region),
       (select u.id from app.units u where u.name = c.unit), c.status,
       case when c.status <> 'received' and c.unit is not null then now() - make_interval(hours => c.hours_ago - 2) end,
       c.reply, case when c.reply is not null then now() - make_interval(hours => c.hours_ago - 20) end,
       case when c.reply is not null then c.replier::uuid end,
       c.close_note, case when c.status = 'closed' then now() - make_interval(hours => c.hours_ago - 30) end,
       now() - make_interval(hours => c.hours_ago), c.recorder::uuid,
       now() - make_interval(hours => c.hours_ago), now() - make_interval(hours => greatest(c.hours_ago - 30, 0)),
       coalesce(c.recorder, c.author)::uuid
from (values
  (1, 'suggestion', 'suggestion_box', '建议在临翔区政务服务中心一楼增加自助复印机，现在复印要到街对面。',
   '00000000-0000-4000-8000-000000000a01', '13987651234', null, '临翔区市场监督管理局', 'routed', null, null, null, null, 6),
  (2, 'complaint', 'suggestion_box', '网上预约了上午九点办理营业执照变更，到现场还要重新取号排队一个多小时。',
   '00000000-0000-4000-8000-000000000a01', null, null, '临翔区市场监督管理局', 'replied',
   '您好，经核实，当天预约号与现场取号系统未对接。现已完成对接，预约群众到场后凭预约码直接办理。感谢您的监督！',
   '00000000-0000-4000-8000-000000000b02', null, null, 72),
  (3, 'praise', 'suggestion_box', '社保窗口的工作人员耐心帮我老父亲办理了退休待遇核定，服务很好，特此表扬。',
   '00000000-0000-4000-8000-000000000a02', '王先生', null, '临翔区人力资源和社会保障局', 'closed',
   '感谢您的表扬，我们会继续做好服务。', md5('officer:' || md5('window:' || md5('unit:530902:人力资源和社会保障局')::uuid)::uuid || ':1')::text,
   '已转达表扬并回复，办结。', null, 240),
  (4, 'complaint', 'hotline', '12345 来电：反映凤庆县某乡镇便民服务站工作日下午经常无人值守。',
   null, '0883-4212345', '530921', null, 'received', null, null, null, '00000000-0000-4000-8000-000000000c01', 3),
  (5, 'suggestion', 'email', '来信建议：食品经营许可证办理进度能否通过短信告知申请人。',
   null, 'zhang.san@example.cn', null, '凤庆县市场监督管理局', 'routed', null, null, null, '00000000-0000-4000-8000-000000000c02', 30),
  (6, 'suggestion', 'suggestion_box', '希望小程序能增加办事指南的语音播报，方便老年人使用。',
   '00000000-0000-4000-8000-000000000a03', null, '530900', null, 'received', null, null, null, null, 1),
  (7, 'complaint', 'supervision_platform', '监督平台转来：凤庆县市场监督管理局窗口要求提供办事指南以外的证明材料。',
   null, null, null, '凤庆县市场监督管理局', 'replied',
   '经核查，窗口人员误将旧版材料清单作为依据，已对相关人员开展业务培训，并更新窗口材料清单。',
   '00000000-0000-4000-8000-000000000b03', null, '00000000-0000-4000-8000-000000000c01', 120)
) as c (n, kind, source, content, author, contact, region, unit, status, reply, replier, close_note, recorder, hours_ago);

-- Their history, as the RPCs would have written it.
insert into app.comment_events (comment_id, event, status_from, status_to, unit_id, actor_user_id, note, created_at)
select c.id, e.event, e.status_from, e.status_to, e.unit_id, e.actor, e.note, e.at
from app.comments c
cross join lateral (values
  (1, case when c.source = 'suggestion_box' then 'submitted' else 'recorded' end, null, 'received', null::uuid,
   coalesce(c.author_user_id, c.recorded_by), null::text, c.received_at),
  (2, 'routed', 'received', 'routed', c.unit_id, coalesce(c.recorded_by, c.author_user_id), null, c.routed_at),
  (3, 'replied', 'routed', 'replied', c.unit_id, c.replied_by, c.reply, c.replied_at),
  (4, 'closed', 'replied', 'closed', c.unit_id, '00000000-0000-4000-8000-000000000c01'::uuid, c.close_note, c.closed_at)
) as e (step, event, status_from, status_to, unit_id, actor, note, at)
where c.id in (select md5('comment:' || n)::uuid from generate_series(1, 7) n)
  and e.at is not null
order by c.received_at, e.step;

insert into app.third_party_assessments (id, region_code, unit_id, period_from, period_to, assessor_org, score, summary,
                                         attachment_ref, recorded_by, updated_by, created_at)
values (md5('assessment:1')::uuid, '530900', null,
        date_trunc('quarter', now() - interval '3 months')::date,
        (date_trunc('quarter', now()) - interval '1 day')::date,
        '滇西政务服务评估中心（演示）', 88.50,
        '上季度全市政务服务暗访与问卷评估：办事便利度较好，乡镇便民服务站值守和办事指南更新及时性有待加强。',
        'assessments/530900/third-party-demo.pdf',
        '00000000-0000-4000-8000-000000000c01', '00000000-0000-4000-8000-000000000c01', now() - interval '5 days');
