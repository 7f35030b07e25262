-- Content safety of the public 差评 board (issue 15.4, R15). A comment its rater allowed to be
-- public reaches public_bad_review_board only after two steps: WeChat's content security check
-- (msgSecCheck v2, called by the scheduled edge function comment-check through
-- claim_comment_checks / record_comment_check) and a supervisor of its region's approval
-- (comment_moderation_queue / moderate_comment, each decision audited). A comment WeChat calls
-- risky never reaches the queue and can never be approved. The queue carries no rater, no 办件
-- number and no rating id (R13).
set check_function_bodies = off;

create table app.comment_moderation (
  id              uuid                     not null default gen_random_uuid(),
  rating_id       uuid                     not null,
  region_code     text                     not null,
  content_md5     text                     not null,
  status          text                     not null default 'unchecked'::text,
  check_suggest   text,
  check_label     integer,
  check_trace_id  text,
  check_attempts  integer                  not null default 0,
  check_error     text,
  next_check_at   timestamp with time zone not null default now(),
  checked_at      timestamp with time zone,
  decided_by      uuid,
  decided_at      timestamp with time zone,
  decision_note   text,
  queued_at       timestamp with time zone not null default now(),
  constraint comment_moderation_pkey primary key (id),
  constraint comment_moderation_rating_id_key unique (rating_id),
  constraint comment_moderation_status_check
    check ((status = any (array['unchecked'::text, 'pending'::text, 'risky'::text, 'approved'::text, 'rejected'::text, 'withdrawn'::text]))),
  constraint comment_moderation_check_suggest_check check ((check_suggest = any (array['pass'::text, 'review'::text, 'risky'::text]))),
  constraint comment_moderation_decision_note_check check ((char_length(decision_note) <= 200))
);
alter table app.comment_moderation
  enable row level security;
alter table app.comment_moderation
  add constraint comment_moderation_rating_id_fkey foreign key (rating_id) references app.ratings(id);
alter table app.comment_moderation
  add constraint comment_moderation_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.comment_moderation
  add constraint comment_moderation_decided_by_fkey foreign key (decided_by) references app.users(id);
create index comment_moderation_due_idx on app.comment_moderation using btree (next_check_at)
  where (status = 'unchecked'::text);
create index comment_moderation_pending_idx on app.comment_moderation using btree (region_code, queued_at)
  where (status = 'pending'::text);
create index comment_moderation_decided_by_idx on app.comment_moderation using btree (decided_by);
comment on table app.comment_moderation is 'Issue 15.4 (R15): the moderation of a 差评 comment its rater allowed to be public. unchecked (awaiting WeChat''s msgSecCheck) → pending (pass or review: awaiting a supervisor) | risky (never shown, never queued) → approved | rejected; withdrawn when the rater takes the permission back or the comment is gone. Only approved comments whose text still has content_md5 appear on the board. Only the service role may read it; no API role writes it.';
-- Read only through the RPCs below (security definer); the service role may look, as at the rollups.
grant select on table app.comment_moderation to service_role;
create policy comment_moderation_select on app.comment_moderation
  for select
  to service_role
  using (true);
comment on column app.comment_moderation.content_md5 is 'md5 of the comment text that was checked and decided: a changed text starts over (unchecked).';
comment on column app.comment_moderation.check_suggest is 'msgSecCheck v2 result.suggest: pass, review (machine unsure: the supervisor sees it marked) or risky.';
comment on column app.comment_moderation.next_check_at is 'When comment-check may claim it (again): a lease while a check is under way, backoff after a failed one.';

create or replace function app.sync_comment_moderation()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_public boolean := new.comment_public and new.is_bad and new.comment is not null and btrim(new.comment) <> '';
  v_md5 text := md5(coalesce(new.comment, ''));
begin
  if v_public then
    -- New, withdrawn-then-allowed-again, or a different text: (re)start from the machine check.
    insert into app.comment_moderation as m (rating_id, region_code, content_md5)
    values (new.id, new.region_code, v_md5)
    on conflict (rating_id) do update
      set status = 'unchecked', content_md5 = excluded.content_md5, region_code = excluded.region_code,
          check_suggest = null, check_label = null, check_trace_id = null, check_attempts = 0, check_error = null,
          next_check_at = now(), checked_at = null, decided_by = null, decided_at = null, decision_note = null, queued_at = now()
      where m.status = 'withdrawn' or m.content_md5 <> excluded.content_md5;
  else
    update app.comment_moderation m set status = 'withdrawn'
    where m.rating_id = new.id and m.status <> 'withdrawn';
  end if;
  return null;
end;
$function$;
comment on function app.sync_comment_moderation() is 'Issue 15.4: keeps a 差评''s comment moderation in step with its rater''s permission (comment_public) and its text.';
revoke all on function app.sync_comment_moderation() from public;

-- A new rating has no moderation row to withdraw, so inserts call the function only for a comment
-- its rater made public: the default job's and most citizens' ratings skip it (it cost 0.6 s per
-- 100,000 defaults, issue 16.5). Changes of the text or the permission always go through it.
create trigger ratings_comment_moderation
  after update of comment, comment_public on app.ratings
  for each row
  execute function app.sync_comment_moderation();

create trigger ratings_comment_moderation_insert
  after insert on app.ratings
  for each row
  when (new.comment_public)
  execute function app.sync_comment_moderation();

create or replace function public.claim_comment_checks (
  p_wechat_app_id text,
  p_limit         integer                  default 20,
  p_now           timestamp with time zone default now()
)
  returns table (
    id          uuid,
    content     text,
    content_md5 text,
    openid      text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
begin
  if p_limit is null or p_limit < 1 or p_limit > 200 then
    perform app.raise_error('invalid_input', 'p_limit');
  end if;
  if p_now is null then
    perform app.raise_error('invalid_input', 'p_now');
  end if;
  return query
  with due as (
    select m.id from app.comment_moderation m
    where m.status = 'unchecked' and m.next_check_at <= p_now
    order by m.next_check_at, m.id
    limit p_limit
    for update skip locked
  ),
  leased as (
    -- A lease of 5 minutes: a run that dies mid-check leaves the row to the next one.
    update app.comment_moderation m
    set next_check_at = p_now + interval '5 minutes', check_attempts = m.check_attempts + 1
    from due where m.id = due.id
    returning m.id, m.rating_id
  )
  select l.id, r.comment, md5(r.comment),
         -- msgSecCheck v2 asks for the openid of a user who used the mini-program lately: the
         -- rater's own (they just allowed publication); null when they have none (the function
         -- then uses its configured reviewer openid).
         (select pl.subject from app.user_platform_links pl
          where pl.user_id = r.rater_user_id and pl.platform = 'wechat' and pl.app_id = p_wechat_app_id
          order by pl.last_login_at desc nulls last limit 1)
  from leased l join app.ratings r on r.id = l.rating_id;
end;
$function$;
comment on function public.claim_comment_checks(text, integer, timestamp with time zone) is 'Issue 15.4 (service role, comment-check): claims comments awaiting WeChat''s content check (a 5-minute lease each), with the rater''s WeChat openid for that appid when they have one.';
revoke all on function public.claim_comment_checks(text, integer, timestamp with time zone) from public;
grant execute on function public.claim_comment_checks(text, integer, timestamp with time zone) to service_role;

create or replace function public.record_comment_check (
  p_id          uuid,
  p_content_md5 text,
  p_suggest     text,
  p_label       integer                  default null,
  p_trace_id    text                     default null,
  p_error       text                     default null,
  p_now         timestamp with time zone default now()
)
  returns text
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_m app.comment_moderation;
begin
  if p_now is null then
    perform app.raise_error('invalid_input', 'p_now');
  end if;
  if (p_error is null) = (p_suggest is null) or (p_suggest is not null and p_suggest not in ('pass', 'review', 'risky'))
     or char_length(p_error) > 200 or char_length(p_trace_id) > 100 then
    perform app.raise_error('invalid_input', 'p_suggest');
  end if;
  select * into v_m from app.comment_moderation m where m.id = p_id for update;
  if v_m.id is null then
    perform app.raise_error('not_found', 'p_id');
  end if;
  -- The text changed or the rater withdrew while the check ran: this answer is about nothing shown.
  if v_m.status <> 'unchecked' or v_m.content_md5 is distinct from p_content_md5 then
    return 'stale';
  end if;
  if p_error is not null then
    -- Backoff: 1 minute doubling, at most 6 hours.
    update app.comment_moderation m
    set check_error = p_error,
        next_check_at = p_now + least(interval '6 hours', interval '1 minute' * power(2, least(m.check_attempts, 12)))
    where m.id = p_id;
    return 'retry';
  end if;
  update app.comment_moderation m
  set status = case when p_suggest = 'risky' then 'risky' else 'pending' end,
      check_suggest = p_suggest, check_label = p_label, check_trace_id = p_trace_id, check_error = null, checked_at = p_now
  where m.id = p_id;
  return case when p_suggest = 'risky' then 'risky' else 'pending' end;
end;
$function$;
comment on function public.record_comment_check(uuid, text, text, integer, text, text, timestamp with time zone) is 'Issue 15.4 (service role, comment-check): books WeChat''s answer for a claimed comment: pass / review → pending (the supervisors'' queue), risky → risky (never shown); or an error → retried with backoff. Answers stale when the text or the permission changed meanwhile.';
revoke all on function public.record_comment_check(uuid, text, text, integer, text, text, timestamp with time zone) from public;
grant execute on function public.record_comment_check(uuid, text, text, integer, text, text, timestamp with time zone) to service_role;

create or replace function public.comment_moderation_queue()
  returns table (
    id            uuid,
    rated_on      date,
    region_name   text,
    unit_name     text,
    matter_name   text,
    level         smallint,
    tags          text[],
    comment       text,
    check_suggest text,
    queued_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_user();
  if not exists (select 1 from app.my_region_codes()) then
    perform app.raise_error('forbidden');
  end if;
  -- What a supervisor needs to judge the text and nothing that leads to its rater (R13): no rater,
  -- no 办件 number, no rating or work order id.
  return query
  select m.id, (r.rated_at at time zone 'Asia/Shanghai')::date, g.name, u.name, mt.name, r.level, r.tags, r.comment,
         m.check_suggest, m.queued_at
  from app.comment_moderation m
  join app.ratings r on r.id = m.rating_id
  join app.units u on u.id = r.unit_id
  join app.regions g on g.code = m.region_code
  left join app.matters mt on mt.id = r.matter_id
  where m.status = 'pending'
    and m.region_code in (select app.my_region_codes())
  order by m.queued_at, m.id;
end;
$function$;
comment on function public.comment_moderation_queue() is 'Issue 15.4 (supervisors): 差评 comments of their regions that passed WeChat''s content check (review marked) and await approval for the public board. No rater, 办件 number or rating id (R13).';
revoke all on function public.comment_moderation_queue() from public;
grant execute on function public.comment_moderation_queue() to authenticated, service_role;

create or replace function public.moderate_comment (
  p_id      uuid,
  p_approve boolean,
  p_note    text default null::text
)
  returns table (
    id         uuid,
    status     text,
    decided_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_m app.comment_moderation;
  v_to text;
begin
  perform app.require_user();
  if not exists (select 1 from app.my_region_codes()) then
    perform app.raise_error('forbidden');
  end if;
  if p_approve is null then
    perform app.raise_error('invalid_input', 'p_approve');
  end if;
  if p_note is not null and (char_length(p_note) > 200 or btrim(p_note) = '') then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  select * into v_m from app.comment_moderation m where m.id = p_id for update;
  -- Another region's comment answers as missing: its existence is not theirs to learn.
  if v_m.id is null or not app.is_region_supervisor(v_m.region_code) then
    perform app.raise_error('not_found', 'p_id');
  end if;
  if v_m.status = 'risky' then
    perform app.raise_error('comment_risky');
  elsif v_m.status = 'withdrawn' then
    perform app.raise_error('comment_withdrawn');
  elsif v_m.status = 'unchecked' then
    perform app.raise_error('comment_not_checked');
  elsif not (v_m.status = 'pending' or (v_m.status = 'approved' and not p_approve)) then
    -- Decided already; an approved comment may still be taken down.
    perform app.raise_error('comment_already_moderated');
  end if;
  v_to := case when p_approve then 'approved' else 'rejected' end;
  update app.comment_moderation m
  set status = v_to, decided_by = auth.uid(), decided_at = now(), decision_note = nullif(btrim(p_note), '')
  where m.id = v_m.id;
  perform app.audit('rating', v_m.rating_id, case when p_approve then 'comment_approved' else 'comment_rejected' end,
                    v_m.region_code, v_m.status, v_to, null, nullif(btrim(p_note), ''), null,
                    jsonb_build_object('moderation_id', v_m.id, 'check_suggest', v_m.check_suggest));
  return query select m.id, m.status, m.decided_at from app.comment_moderation m where m.id = v_m.id;
end;
$function$;
comment on function public.moderate_comment(uuid, boolean, text) is 'Issue 15.4 (supervisors of the comment''s region): approve a pending comment for the public 差评 board, or reject it (also taking down an approved one), with an optional note (≤ 200 chars); audited against the rating. Risky, withdrawn, unchecked and decided comments are refused with their own codes; another region''s is not_found.';
revoke all on function public.moderate_comment(uuid, boolean, text) from public;
grant execute on function public.moderate_comment(uuid, boolean, text) to authenticated, service_role;
