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
