-- Encrypted identities (R13) of every demo person who has bound a real name: the personas and
-- the real-name history citizens of seed.sql. Fictitious names, valid-format ID numbers
-- (GB 11643 check digit) of their region and made-up mobile numbers; app.store_identity
-- encrypts them with the local key (app.settings.pii_key) and rewrites the masked values,
-- which keep the masks seed.sql gave (李*梅 → 李春梅).
with people (user_id, name, id17, phone) as (
  values
    ('00000000-0000-4000-8000-000000000a01'::uuid, '李春梅', '53090219880512002', '13887001201'),
    ('00000000-0000-4000-8000-000000000a02'::uuid, '王磊', '53090219920304001', '13988702302'),
    ('00000000-0000-4000-8000-000000000b01'::uuid, '杨帆', '53090219900815003', '15887003403'),
    ('00000000-0000-4000-8000-000000000b02'::uuid, '赵建华', '53090219850110004', '13708804504'),
    ('00000000-0000-4000-8000-000000000b03'::uuid, '段勇', '53092119870620005', '18887005605'),
    ('00000000-0000-4000-8000-000000000c01'::uuid, '刘洋', '53090019800228006', '13608806706'),
    ('00000000-0000-4000-8000-000000000c02'::uuid, '字红', '53092119830909007', '15987007807')
  union all
  select u.id,
         left(u.masked_name, 1) || case when char_length(u.masked_name) = 3 then '秀' || right(u.masked_name, 1) else '明' end,
         u.region_code || to_char(date '1955-01-01' + abs(hashtext('born:' || u.id)) % 18000, 'YYYYMMDD')
           || lpad((abs(hashtext('seq:' || u.id)) % 1000)::text, 3, '0'),
         left(u.masked_phone, 3) || lpad((abs(hashtext('mid:' || u.id)) % 10000)::text, 4, '0') || right(u.masked_phone, 4)
  from app.users u
  where u.id in (select md5('citizen:' || i)::uuid from generate_series(1, 300) i)
    and u.realname_verified_at is not null
)
select app.store_identity(
  p.user_id, p.name,
  p.id17 || substr('10X98765432', 1 + (
    select sum(substr(p.id17, k, 1)::int * (array[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])[k])::int
    from generate_series(1, 17) k) % 11, 1),
  p.phone, 'provincial_idp', now() - interval '200 days')
from people p;

-- Platform accounts of the personas on the local stand-ins (scripts/stand-ins/): the WeChat
-- code `dev-<persona>` and the Alipay auth code `dev-<persona>` log in as that persona through
-- the real auth-wechat / auth-alipay path (stable openid / user id per name, as the stand-ins
-- derive them for the local appid wx00000000hcplocal and app_id 2021000000000001).
insert into app.user_platform_links (user_id, platform, app_id, subject)
select p.user_id, 'wechat', 'wx00000000hcplocal',
       'o' || left(translate(encode(extensions.digest('wx00000000hcplocal:' || p.key, 'sha256'), 'base64'), '+/', '-_'), 27)
from app.dev_personas p
union all
select p.user_id, 'alipay', '2021000000000001',
       '2088' || left(lpad((('x' || lpad(left(encode(extensions.digest(p.key, 'sha256'), 'hex'), 15), 16, '0'))::bit(64)::bigint)::text, 12, '0'), 12)
from app.dev_personas p;
