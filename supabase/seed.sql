-- Demo data for the local and test stacks (never pushed to production).
-- Deterministic: ids come from md5 of a stable name, so tests and the demo can rely on them.

insert into app.regions (code, name, parent_code, level) values
  ('530000', '云南省', null, 'province'),
  ('530900', '临沧市', '530000', 'city'),
  ('530902', '临翔区', '530900', 'county'),
  ('530921', '凤庆县', '530900', 'county'),
  ('530922', '云县', '530900', 'county'),
  ('530923', '永德县', '530900', 'county'),
  ('530924', '镇康县', '530900', 'county'),
  ('530925', '双江拉祜族佤族布朗族傣族自治县', '530900', 'county'),
  ('530926', '耿马傣族佤族自治县', '530900', 'county'),
  ('530927', '沧源佤族自治县', '530900', 'county');

-- Every county has the same core 部门; the city has its own bureaus.
insert into app.units (id, region_code, name)
select md5('unit:' || r.code || ':' || d.dept)::uuid, r.code, r.name || d.dept
from app.regions r
cross join (values ('市场监督管理局'), ('人力资源和社会保障局'), ('公安局'), ('自然资源局'), ('政务服务管理局')) as d (dept)
where r.level in ('city', 'county');

insert into app.users (id, masked_name, region_code) values
  ('00000000-0000-4000-8000-000000000a01', '李*梅', '530902'),
  ('00000000-0000-4000-8000-000000000a02', '王*', '530902'),
  ('00000000-0000-4000-8000-000000000a03', '微信用户', null),
  ('00000000-0000-4000-8000-000000000b01', '杨*', '530902'),
  ('00000000-0000-4000-8000-000000000b02', '赵*华', '530902'),
  ('00000000-0000-4000-8000-000000000b03', '段*', '530921'),
  ('00000000-0000-4000-8000-000000000c01', '刘*', '530900'),
  ('00000000-0000-4000-8000-000000000c02', '字*', '530921');

-- Every persona but citizen-anon has bound a real name (SPEC §4).
update app.users set realname_verified_at = now() - interval '200 days',
       masked_phone = '13' || (abs(hashtext(id::text)) % 10)::text || '****' || lpad((abs(hashtext('p' || id::text)) % 10000)::text, 4, '0')
where id::text like '00000000-0000-4000-8000-000000000%' and id <> '00000000-0000-4000-8000-000000000a03';

insert into app.staff_roles (user_id, role, unit_id, scope_region_code) values
  ('00000000-0000-4000-8000-000000000b01', 'staff', md5('unit:530902:市场监督管理局')::uuid, null),
  ('00000000-0000-4000-8000-000000000b02', 'unit_admin', md5('unit:530902:市场监督管理局')::uuid, null),
  ('00000000-0000-4000-8000-000000000b03', 'staff', md5('unit:530921:市场监督管理局')::uuid, null),
  ('00000000-0000-4000-8000-000000000c01', 'supervisor', null, '530900'),
  ('00000000-0000-4000-8000-000000000c02', 'supervisor', null, '530921');

insert into app.dev_personas (key, user_id, label) values
  ('citizen-a', '00000000-0000-4000-8000-000000000a01', '群众 李*梅（已实名）'),
  ('citizen-b', '00000000-0000-4000-8000-000000000a02', '群众 王*（已实名）'),
  ('citizen-anon', '00000000-0000-4000-8000-000000000a03', '群众（未实名）'),
  ('staff-linxiang', '00000000-0000-4000-8000-000000000b01', '临翔区市场监督管理局 窗口工作人员 杨*'),
  ('unit-admin-linxiang', '00000000-0000-4000-8000-000000000b02', '临翔区市场监督管理局 单位管理员 赵*华'),
  ('staff-fengqing', '00000000-0000-4000-8000-000000000b03', '凤庆县市场监督管理局 窗口工作人员 段*'),
  ('supervisor-city', '00000000-0000-4000-8000-000000000c01', '临沧市政务服务管理局 监督员 刘*'),
  ('supervisor-fengqing', '00000000-0000-4000-8000-000000000c02', '凤庆县政务服务管理局 监督员 字*');

-- ── Rating core ────────────────────────────────────────────────────────────────────────────
-- Halls: one 政务服务中心 per region, a window there for each unit of the region.
insert into app.halls (id, region_code, name, kind, address)
select md5('hall:' || r.code)::uuid, r.code, r.name || '政务服务中心', 'center', r.name || '政务服务中心一楼大厅'
from app.regions r where r.level in ('city', 'county');

insert into app.windows (id, hall_id, unit_id, name)
select md5('window:' || u.id)::uuid, md5('hall:' || u.region_code)::uuid, u.id,
       (row_number() over (partition by u.region_code order by u.name))::text || '号窗口（' || replace(u.name, r.name, '') || '）'
from app.units u join app.regions r on r.code = u.region_code;

insert into app.platforms (id, region_code, kind, name)
select md5('platform:' || r.code || ':' || p.kind)::uuid, r.code, p.kind, r.name || p.label
from app.regions r
cross join (values ('business_system', '政务服务业务系统'), ('hotline', '12345政务服务便民热线'),
                   ('mobile', '“一部手机办事通”'), ('self_service', '政务服务自助终端')) as p (kind, label)
where r.level in ('city', 'county');

-- Officers: two per window (generated), plus the staff personas at their units' windows.
insert into app.users (id, masked_name, region_code)
select md5('officer:' || w.id || ':' || k)::uuid,
       (array['张', '李', '王', '杨', '赵', '刘', '陈', '罗', '段', '字', '鲁', '俸'])[1 + abs(hashtext(w.id::text || k)) % 12] || '*',
       h.region_code
from app.windows w join app.halls h on h.id = w.hall_id cross join generate_series(1, 2) k;

insert into app.staff_roles (user_id, role, unit_id)
select md5('officer:' || w.id || ':' || k)::uuid, 'staff', w.unit_id
from app.windows w cross join generate_series(1, 2) k;

insert into app.staff_assignments (user_id, unit_id, window_id, valid_from)
select md5('officer:' || w.id || ':' || k)::uuid, w.unit_id, w.id, current_date - 400
from app.windows w cross join generate_series(1, 2) k;

insert into app.staff_assignments (user_id, unit_id, window_id, valid_from) values
  ('00000000-0000-4000-8000-000000000b01', md5('unit:530902:市场监督管理局')::uuid, md5('window:' || md5('unit:530902:市场监督管理局')::uuid)::uuid, current_date - 400),
  ('00000000-0000-4000-8000-000000000b02', md5('unit:530902:市场监督管理局')::uuid, null, current_date - 400),
  ('00000000-0000-4000-8000-000000000b03', md5('unit:530921:市场监督管理局')::uuid, md5('window:' || md5('unit:530921:市场监督管理局')::uuid)::uuid, current_date - 400);

-- 事项: three common ones per kind of unit.
insert into app.matters (id, code, name, unit_id, handling_channels, promised_working_days)
select md5('matter:' || u.id || ':' || m.n)::uuid,
       u.region_code || '-' || m.prefix || '-' || lpad(m.n::text, 3, '0'),
       m.name, u.id, m.channels, m.days
from app.units u
join (values
  ('市场监督管理局', 'SJ', 1, '个体工商户设立登记', '{window,online,mobile}'::text[], 1),
  ('市场监督管理局', 'SJ', 2, '食品经营许可证核发', '{window,online}', 10),
  ('市场监督管理局', 'SJ', 3, '企业变更登记', '{window,online,mobile}', 3),
  ('人力资源和社会保障局', 'RS', 1, '社会保障卡申领', '{window,mobile}', 5),
  ('人力资源和社会保障局', 'RS', 2, '失业登记', '{window,online,mobile}', 1),
  ('人力资源和社会保障局', 'RS', 3, '职工退休待遇核定', '{window}', 15),
  ('公安局', 'GA', 1, '居民身份证换领', '{window}', 20),
  ('公安局', 'GA', 2, '户口迁移（省内）', '{window,online}', 5),
  ('公安局', 'GA', 3, '机动车驾驶证期满换证', '{window,mobile}', 1),
  ('自然资源局', 'ZR', 1, '不动产首次登记', '{window}', 5),
  ('自然资源局', 'ZR', 2, '不动产抵押登记', '{window,online}', 3),
  ('自然资源局', 'ZR', 3, '建设用地规划许可证核发', '{window}', 15),
  ('政务服务管理局', 'ZW', 1, '帮办代办服务', '{window,phone}', 1),
  ('政务服务管理局', 'ZW', 2, '证照免费邮寄', '{window,online}', 2),
  ('政务服务管理局', 'ZW', 3, '企业开办“一窗通办”', '{window,online,mobile}', 1)
) as m (dept, prefix, n, name, channels, days) on u.name like '%' || m.dept;

-- The demo personas' 办件 (SPEC §4), relative to now so that deadlines are always live.
-- citizen-a and citizen-b: six finished in the last 18 hours (rateable), two finished 15 and
-- 22 days ago never rated (their window has closed: the default job rates them), one in progress.
insert into app.transactions (id, project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                              applicant_user_id, applicant_type, channel, status, accepted_at, finished_at)
select md5('demo:' || p.tag || ':' || k)::uuid,
       'LC' || to_char(now() at time zone 'Asia/Shanghai', 'YYYYMMDD') || p.tag || lpad(k::text, 4, '0'),
       md5('matter:' || p.unit || ':' || (1 + k % 3))::uuid, p.unit, '530902',
       md5('hall:530902')::uuid, md5('window:' || p.unit)::uuid,
       case when p.unit = md5('unit:530902:市场监督管理局')::uuid then '00000000-0000-4000-8000-000000000b01'::uuid
            else md5('officer:' || md5('window:' || p.unit)::uuid || ':1')::uuid end,
       p.user_id, 1, 'hall_pad',
       case when k = 9 then 'processing' else 'finished' end,
       case when k <= 6 then now() - make_interval(hours => k * 3 + 30)
            when k = 7 then now() - interval '16 days'
            when k = 8 then now() - interval '23 days'
            else now() - interval '2 days' end,
       case when k <= 6 then now() - make_interval(hours => k * 3)
            when k = 7 then now() - interval '15 days'
            when k = 8 then now() - interval '22 days' end
from (values
  ('citizen-a', 'A', '00000000-0000-4000-8000-000000000a01'::uuid, md5('unit:530902:市场监督管理局')::uuid),
  ('citizen-b', 'B', '00000000-0000-4000-8000-000000000a02'::uuid, md5('unit:530902:市场监督管理局')::uuid),
  ('citizen-b', 'C', '00000000-0000-4000-8000-000000000a02'::uuid, md5('unit:530902:人力资源和社会保障局')::uuid)
) as p (persona, tag, user_id, unit)
cross join generate_series(1, 9) k
where p.tag <> 'C' or k in (1, 2);

-- History: 300 citizens and 3,600 办件 over the past 120 days across every unit, rated the way
-- real traffic is (mostly 非常满意/满意, a few 差评 with tags, about a third never rated and
-- left to the default job). Pseudo-random from hashes of the row number: the same every run.
-- Four in five have bound a real name (they can be sampled for 回访抽查 and followed up).
insert into app.users (id, masked_name, region_code, realname_verified_at, masked_phone)
select md5('citizen:' || i)::uuid,
       (array['张', '李', '王', '杨', '赵', '刘', '陈', '罗', '段', '字', '鲁', '俸', '周', '何'])[1 + abs(hashtext('n' || i)) % 14] || '*'
         || case when i % 3 = 0 then '华' else '' end,
       (array['530902', '530921', '530922', '530923', '530924', '530925', '530926', '530927'])[1 + i % 8],
       case when i % 5 <> 0 then now() - interval '300 days' end,
       case when i % 5 <> 0 then '1' || (array['39', '58', '87', '36', '51'])[1 + i % 5] || '****' || lpad((abs(hashtext('p' || i)) % 10000)::text, 4, '0') else '' end
from generate_series(1, 300) i;

with w as (
  select w.id as window_id, w.hall_id, w.unit_id, h.region_code, row_number() over (order by w.id) as n, count(*) over () as total
  from app.windows w join app.halls h on h.id = w.hall_id
),
picked as (
  select i, w.*,
         abs(hashtext('h' || i)) % (120 * 24) as hours_ago,
         abs(hashtext('d' || i)) % 72 as hours_to_finish
  from generate_series(1, 3600) i
  join w on w.n = 1 + abs(hashtext('w' || i)) % w.total
)
insert into app.transactions (id, project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                              applicant_user_id, applicant_type, channel, status, accepted_at, finished_at)
select md5('history:' || i)::uuid,
       'LC' || to_char((now() - make_interval(hours => hours_ago + hours_to_finish)) at time zone 'Asia/Shanghai', 'YYYYMMDD') || 'H' || lpad(i::text, 5, '0'),
       md5('matter:' || unit_id || ':' || (1 + abs(hashtext('m' || i)) % 3))::uuid,
       unit_id, region_code, hall_id, window_id,
       md5('officer:' || window_id || ':' || (1 + i % 2))::uuid,
       md5('citizen:' || (1 + abs(hashtext('c' || i)) % 300))::uuid,
       (array[1, 1, 1, 1, 1, 1, 2, 2, 5, 9])[1 + i % 10],
       (array['hall_pad', 'hall_pad', 'mobile', 'pc', 'qrcode', 'hall_terminal'])[1 + abs(hashtext('ch' || i)) % 6],
       'finished',
       now() - make_interval(hours => hours_ago + hours_to_finish),
       now() - make_interval(hours => hours_ago)
from picked;

-- Two thirds of them rated by the applicant within their window.
insert into app.ratings (transaction_id, level, tags, comment, channel, is_anonymous, rater_user_id, unit_id, region_code,
                         matter_id, hall_id, window_id, staff_user_id, rated_at)
select t.id, lv.level,
       case when lv.level <= 2 then array[(select e.code from app.eval_tags e where e.level = lv.level and e.version = 2
                                           order by md5(e.code || t.id) limit 1)]
            when abs(hashtext('tag' || t.id)) % 2 = 0 then array[(select e.code from app.eval_tags e where e.level = lv.level and e.version = 2
                                                                   order by md5(e.code || t.id) limit 1)]
            else '{}' end,
       case when lv.level <= 2 then (array['等了很久才叫到号', '材料清单和窗口说的不一样', '跑了两趟才办成', '工作人员态度不好'])[1 + abs(hashtext('cm' || t.id)) % 4] end,
       (array['mobile', 'hall_pad', 'qrcode', 'pc'])[1 + abs(hashtext('rc' || t.id)) % 4],
       abs(hashtext('an' || t.id)) % 5 = 0,
       t.applicant_user_id, t.unit_id, t.region_code, t.matter_id, t.hall_id, t.window_id, t.staff_user_id,
       least(t.finished_at + make_interval(hours => abs(hashtext('ra' || t.id)) % 60), now())
from app.transactions t
cross join lateral (
  select case when x < 68 then 5 when x < 87 then 4 when x < 94 then 3 when x < 97 then 2 else 1 end as level
  from (select abs(hashtext('lv' || t.id)) % 100 as x) r
) lv
where t.project_no like '%H%' and abs(hashtext('rated' || t.id)) % 3 <> 0 and t.rating_due_at > t.finished_at;

-- Window visits rated by QR (一次一评), a few hundred over the period.
insert into app.ratings (level, tags, channel, rater_user_id, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
select case when abs(hashtext('vl' || i)) % 10 < 8 then 5 else 4 end, '{}', 'qrcode',
       md5('citizen:' || (1 + i % 300))::uuid, w.unit_id, h.region_code, w.hall_id, w.id,
       ((now() - make_interval(days => i % 120)) at time zone 'Asia/Shanghai')::date,
       now() - make_interval(days => i % 120)
from generate_series(1, 400) i
join lateral (select * from app.windows order by md5(id::text || i) limit 1) w on true
join app.halls h on h.id = w.hall_id
on conflict do nothing;

-- The rest of the history got their defaults when their windows closed (R5).
select public.apply_default_ratings(now());
