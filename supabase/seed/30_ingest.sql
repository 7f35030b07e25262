-- Ingestion demo keys (DEMO ONLY: fixed, published secrets; a real deployment creates keys with
-- create_business_system / create_rating_device and never runs this seed).
--   business system of each county and of the city:  key id bs_demo_<region>,  secret demo-bs-<region>-secret-not-for-production
--   评价器 (hall_pad) of each region's 政务服务中心:  key id dev_demo_pad_<region>, secret demo-pad-<region>-secret-not-for-production
--   12345 hotline and SMS gateway of the city:       key ids dev_demo_12345_530900 / dev_demo_sms_530900,
--                                                     secrets demo-12345-530900-secret-not-for-production / demo-sms-530900-secret-not-for-production
-- Stored encrypted with the local PII key (app.pii_encrypt), as create_* store real keys.

insert into app.business_systems (id, key_id, secret_enc, name, region_code, created_by)
select md5('business-system:' || r.code)::uuid, 'bs_demo_' || r.code, app.pii_encrypt('demo-bs-' || r.code || '-secret-not-for-production'),
       r.name || '政务服务业务系统（演示）', r.code, '00000000-0000-4000-8000-000000000c01'
from app.regions r where r.level in ('city', 'county');

insert into app.rating_devices (id, key_id, secret_enc, kind, name, hall_id, region_code, created_by)
select md5('device:pad:' || h.id)::uuid, 'dev_demo_pad_' || h.region_code, app.pii_encrypt('demo-pad-' || h.region_code || '-secret-not-for-production'),
       'hall_pad', h.name || ' 1号评价器（演示）', h.id, h.region_code, '00000000-0000-4000-8000-000000000c01'
from app.halls h where h.id = md5('hall:' || h.region_code)::uuid;

insert into app.rating_devices (id, key_id, secret_enc, kind, name, hall_id, region_code, created_by) values
  (md5('device:phone:530900')::uuid, 'dev_demo_12345_530900', app.pii_encrypt('demo-12345-530900-secret-not-for-production'),
   'phone', '临沧市12345政务服务便民热线（演示）', null, '530900', '00000000-0000-4000-8000-000000000c01'),
  (md5('device:sms:530900')::uuid, 'dev_demo_sms_530900', app.pii_encrypt('demo-sms-530900-secret-not-for-production'),
   'sms', '临沧市政务服务短信评价网关（演示）', null, '530900', '00000000-0000-4000-8000-000000000c01');
