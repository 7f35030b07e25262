-- Ratings (R1, R3, R5, R7): one row per rating, with the rated objects copied from the 办件 or
-- window at rating time so that later changes (an officer moving) never rewrite history.
-- Uniqueness is the database's: one first rating per 办件 (R3 一事一评), one visit rating per
-- person per window per day (一次一评), one result per idempotency key.

create table app.eval_tags (
  code text not null,
  version smallint not null,
  level smallint not null check (level between 1 and 5),
  name text not null,
  primary key (code, version)
);
comment on table app.eval_tags is 'National evalDetail tags by version (R7). Equal to shared/national-eval-tags.json (tested).';
alter table app.eval_tags enable row level security;
create policy eval_tags_select on app.eval_tags for select to anon, authenticated using (true);
grant select on app.eval_tags to anon, authenticated, service_role;

insert into app.eval_tags (code, level, version, name) values
  ('108', 1, 2, '在办事指南之外增加新的审批条件'),
  ('109', 1, 2, '需提供办事指南之外的申报材料'),
  ('110', 1, 2, '无理由超过法定办理时间'),
  ('111', 1, 2, '办事指南提供样本有错'),
  ('112', 1, 2, '承诺在线收取申报材料实际无法收取'),
  ('113', 1, 2, '多头跑窗口和部门'),
  ('114', 1, 2, '跑动次数与承诺的不一致'),
  ('115', 1, 2, '服务态度差效率低'),
  ('207', 2, 2, '没有提供材料样本'),
  ('208', 2, 2, '没有提供材料清单'),
  ('209', 2, 2, '未在承诺时间内办结'),
  ('210', 2, 2, '同样内容的证明材料被要求多次提交'),
  ('211', 2, 2, '承诺网办但无法在线办理'),
  ('212', 2, 2, '在线预约办理后到实体大厅重复取号排队'),
  ('213', 2, 2, '窗口人员业务不熟练'),
  ('214', 2, 2, '服务态度生硬'),
  ('307', 3, 2, '一次性告知需要补正的材料'),
  ('308', 3, 2, '提供申报材料样本'),
  ('309', 3, 2, '在承诺的时间内办结'),
  ('310', 3, 2, '办事指南指引准确'),
  ('311', 3, 2, '按办事指南要求的材料即可办理'),
  ('312', 3, 2, '可以快递送达'),
  ('313', 3, 2, '跑动次数与承诺的一致'),
  ('314', 3, 2, '服务态度一般'),
  ('406', 4, 2, '填写一张表单就可完成申报'),
  ('407', 4, 2, '在线提交材料窗口核验'),
  ('408', 4, 2, '一张清单告知全部申报材料'),
  ('409', 4, 2, '用告知承诺减免申报材料'),
  ('410', 4, 2, '可以在线预约办理'),
  ('411', 4, 2, '跑大厅一次办完'),
  ('412', 4, 2, '可以使用自助机办理'),
  ('413', 4, 2, '服务态度较好'),
  ('510', 5, 2, '一窗受理一次办结'),
  ('511', 5, 2, '可以先受理后补材料'),
  ('512', 5, 2, '不用提交证明'),
  ('513', 5, 2, '可以全程网上办理'),
  ('514', 5, 2, '可以使用手机办理'),
  ('515', 5, 2, '可以就近办理'),
  ('516', 5, 2, '无需材料直接办理'),
  ('517', 5, 2, '服务热情效率高')
;

create view public.eval_tags with (security_invoker = true) as
  select code, level, version, name from app.eval_tags where version = 2;
comment on view public.eval_tags is 'The current (v2) national tags by level, for the rating page.';
revoke all on public.eval_tags from anon, authenticated;
grant select on public.eval_tags to anon, authenticated, service_role;

-- R7, the twin of shared/tags.ts tagViolation(): the error code a tag choice earns, or null.
create function app.tag_violation(p_level int, p_tags text[])
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when cardinality(p_tags) > 8
      or cardinality(p_tags) <> (select count(distinct t) from unnest(p_tags) t)
      or exists (
        select 1 from unnest(p_tags) t
        where not exists (select 1 from app.eval_tags e where e.code = t and e.version = 2 and e.level = p_level)
      ) then 'invalid_tag_for_level'
    when p_level <= 2 and cardinality(p_tags) = 0 then 'tag_required'
  end;
$$;
revoke execute on function app.tag_violation(int, text[]) from public;
grant execute on function app.tag_violation(int, text[]) to authenticated, service_role;

create table app.ratings (
  id uuid primary key default gen_random_uuid(),
  transaction_id uuid references app.transactions (id),
  assess_number smallint not null default 1 check (assess_number in (1, 2)),
  level smallint not null check (level between 1 and 5),
  is_bad boolean generated always as (level <= 2) stored,
  tags text[] not null default '{}',
  tag_version smallint not null default 2,
  comment text check (char_length(comment) <= 500),
  channel text not null check (channel in ('pc', 'mobile', 'qrcode', 'hall_pad', 'hall_terminal', 'phone', 'sms', 'default')),
  is_anonymous boolean not null default false,
  is_default boolean not null default false,
  rater_user_id uuid references app.users (id),
  unit_id uuid not null references app.units (id),
  region_code text not null references app.regions (code),
  matter_id uuid references app.matters (id),
  hall_id uuid references app.halls (id),
  window_id uuid references app.windows (id),
  staff_user_id uuid references app.users (id),
  platform_id uuid references app.platforms (id),
  visit_day date,
  idempotency_key text check (char_length(idempotency_key) between 8 and 100),
  validity text not null default 'valid' check (validity in ('valid', 'invalid')),
  rated_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  -- R5: a default is 基本满意 on channel default, by nobody.
  check (is_default = (channel = 'default')),
  check (not is_default or (level = 3 and rater_user_id is null and assess_number = 1)),
  -- A rating names a 办件, or it is a visit rating of a window on a day.
  check ((transaction_id is null) = (visit_day is not null)),
  check (transaction_id is not null or window_id is not null)
);
comment on table app.ratings is 'Ratings. level 5 非常满意 … 1 非常不满意 (R1); is_bad = 差评. validity invalid = excluded from every metric after an approved appeal (R11).';
comment on column app.ratings.assess_number is '1 = the rating of the service; 2 = the rater''s rating of a 差评''s rectification (R12).';
comment on column app.ratings.visit_day is '一次一评: the Asia/Shanghai day of a window visit rated by QR without a 办件.';
comment on column app.ratings.rater_user_id is 'Who rated; never shown to staff (R13). Null for defaults and device ratings without a known person.';

create unique index ratings_one_per_transaction on app.ratings (transaction_id, assess_number) where transaction_id is not null;
create unique index ratings_one_visit_per_day on app.ratings (rater_user_id, window_id, visit_day) where visit_day is not null;
create unique index ratings_idempotency on app.ratings (rater_user_id, idempotency_key) where idempotency_key is not null;
create index ratings_rater_user_id_idx on app.ratings (rater_user_id);
create index ratings_unit_id_idx on app.ratings (unit_id);
create index ratings_region_code_idx on app.ratings (region_code);
create index ratings_matter_id_idx on app.ratings (matter_id);
create index ratings_hall_id_idx on app.ratings (hall_id);
create index ratings_window_id_idx on app.ratings (window_id);
create index ratings_staff_user_id_idx on app.ratings (staff_user_id);
create index ratings_platform_id_idx on app.ratings (platform_id);

alter table app.ratings enable row level security;
-- A rater reads their own ratings. Staff and supervisors never read this table: they get
-- ratings without identity through RPCs (R13). Writes go through RPCs and jobs only.
create policy ratings_select on app.ratings for select to authenticated using (rater_user_id = (select auth.uid()));
grant select on app.ratings to authenticated, service_role;
grant insert, update on app.ratings to service_role;

alter table app.transactions
  add constraint transactions_first_rating_id_fkey foreign key (first_rating_id) references app.ratings (id);
create index transactions_first_rating_id_idx on app.transactions (first_rating_id);

-- Marks 办件 as rated in one statement per insert, whatever inserted the ratings.
create function app.mark_transactions_rated()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update app.transactions t set first_rating_id = n.id
  from new_ratings n
  where n.transaction_id = t.id and n.assess_number = 1 and t.first_rating_id is null;
  return null;
end;
$$;

create trigger ratings_mark_transactions_rated
  after insert on app.ratings
  referencing new table as new_ratings
  for each statement execute function app.mark_transactions_rated();
