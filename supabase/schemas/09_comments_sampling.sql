-- Comments and sampling: 意见建议 and 综合点评 (intake, routing, replies, closing, encrypted
-- contact revealed only through an audited call), return-visit sampling (回访抽查) and third-party
-- assessments.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.comments (
  id             uuid                     not null default gen_random_uuid(),
  kind           text                     not null,
  source         text                     not null,
  content        text                     not null,
  author_user_id uuid,
  contact_masked text                     not null default ''::text,
  region_code    text                     not null,
  unit_id        uuid,
  status         text                     not null default 'received'::text,
  routed_at      timestamp with time zone,
  reply          text,
  replied_at     timestamp with time zone,
  replied_by     uuid,
  close_note     text,
  closed_at      timestamp with time zone,
  received_at    timestamp with time zone not null default now(),
  recorded_by    uuid,
  created_at     timestamp with time zone not null default now(),
  updated_at     timestamp with time zone not null default now(),
  updated_by     uuid,
  contact_enc    bytea,
  constraint comments_check1 check (((source = 'suggestion_box'::text) or (recorded_by is not null))),
  constraint comments_check2 check (((status <> 'received'::text) or (unit_id is null))),
  constraint comments_check3 check (((status <> all (array['routed'::text, 'replied'::text])) or (unit_id is not null))),
  constraint comments_check4 check (((reply is null) = (replied_at is null))),
  constraint comments_check5 check (((status <> 'replied'::text) or (reply is not null))),
  constraint comments_check6 check (((status = 'closed'::text) = (closed_at is not null))),
  constraint comments_check check (((source = 'suggestion_box'::text) = ((author_user_id is not null) and (recorded_by is null)))),
  constraint comments_close_note_check check (((char_length(close_note) >= 1) and (char_length(close_note) <= 1000))),
  constraint comments_content_check check (((char_length(content) >= 1) and (char_length(content) <= 1000))),
  constraint comments_kind_check check ((kind = any (array['suggestion'::text, 'complaint'::text, 'praise'::text]))),
  constraint comments_pkey primary key (id),
  constraint comments_reply_check check (((char_length(reply) >= 1) and (char_length(reply) <= 1000))),
  constraint comments_source_check check ((source = any (array['suggestion_box'::text, 'hotline'::text, 'supervision_platform'::text, 'email'::text]))),
  constraint comments_status_check check ((status = any (array['received'::text, 'routed'::text, 'replied'::text, 'closed'::text])))
);
alter table app.comments
  enable row level security;
alter table app.comments
  add constraint comments_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.comments
  add constraint comments_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.comments
  add constraint comments_author_user_id_fkey foreign key (author_user_id) references app.users(id);
alter table app.comments
  add constraint comments_recorded_by_fkey foreign key (recorded_by) references app.users(id);
alter table app.comments
  add constraint comments_replied_by_fkey foreign key (replied_by) references app.users(id);
alter table app.comments
  add constraint comments_updated_by_fkey foreign key (updated_by) references app.users(id);
create index comments_author_user_id_idx on app.comments using btree (author_user_id, created_at);
create index comments_recorded_by_idx on app.comments using btree (recorded_by);
create index comments_region_code_idx on app.comments using btree (region_code, status);
create index comments_replied_by_idx on app.comments using btree (replied_by);
create index comments_unit_id_idx on app.comments using btree (unit_id, status);
create index comments_updated_by_idx on app.comments using btree (updated_by);
comment on table app.comments is '综合点评 (R18): kind suggestion 建议 / complaint 投诉 / praise 表扬; source suggestion_box 意见箱（小程序）/ hotline 12345热线 / supervision_platform 监督平台 / email 电子邮箱.';
comment on column app.comments.contact_enc is 'Contact left by the person (phone, e-mail, name), app.pii_encrypt: identity (R13). Decrypted only by reveal_comment_contact (supervisors, audited); never returned otherwise.';
comment on column app.comments.contact_masked is 'app.mask_contact of the contact, the only form of it anyone but a supervisor revealing it sees.';
comment on column app.comments.received_at is 'When the source received it (the hotline call, the e-mail); for the 意见箱 the submit time.';
comment on column app.comments.recorded_by is 'The supervisor who recorded a comment from the hotline, supervision platform or e-mail.';
comment on column app.comments.region_code is 'Whose inbox: the routed unit''s region, or before routing the region it was received for.';
grant select on table app.comments to service_role;

create table app.comment_events (
  id            bigint                   generated always as identity not null,
  comment_id    uuid                     not null,
  event         text                     not null,
  status_from   text,
  status_to     text,
  unit_id       uuid,
  actor_user_id uuid,
  note          text,
  created_at    timestamp with time zone not null default now(),
  constraint comment_events_event_check
    check ((event = any (array['submitted'::text, 'recorded'::text, 'routed'::text, 'rerouted'::text, 'replied'::text, 'closed'::text, 'contact_revealed'::text]))),
  constraint comment_events_pkey primary key (id)
);
alter table app.comment_events
  enable row level security;
alter table app.comment_events
  add constraint comment_events_comment_id_fkey foreign key (comment_id) references app.comments(id);
alter table app.comment_events
  add constraint comment_events_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.comment_events
  add constraint comment_events_actor_user_id_fkey foreign key (actor_user_id) references app.users(id);
create index comment_events_actor_user_id_idx on app.comment_events using btree (actor_user_id);
create index comment_events_comment_id_idx on app.comment_events using btree (comment_id, id);
create index comment_events_unit_id_idx on app.comment_events using btree (unit_id);
comment on table app.comment_events is 'History of each 综合点评: every state change and every contact reveal, who and when. To feed the shared append-only audit log (R14) once it exists.';
comment on column app.comment_events.unit_id is 'The unit routed to (routed, rerouted) or answering (replied).';
grant select on table app.comment_events to service_role;

create or replace function app.mask_contact (
  p_contact text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case
    when p_contact is null or btrim(p_contact) = '' then ''
    when btrim(p_contact) ~ '^[^@\s]+@[^@\s]+$' then left(btrim(p_contact), 1) || '***@' || split_part(btrim(p_contact), '@', 2)
    when char_length(regexp_replace(p_contact, '\D', '', 'g')) >= 11
      then left(regexp_replace(p_contact, '\D', '', 'g'), 3) || '****' || right(regexp_replace(p_contact, '\D', '', 'g'), 4)
    when char_length(regexp_replace(p_contact, '\D', '', 'g')) >= 7
      then '****' || right(regexp_replace(p_contact, '\D', '', 'g'), 4)
    else left(btrim(p_contact), 1) || '*'
  end;
$function$;
comment on function app.mask_contact(text) is 'The masked form of a contact (R13): phone 138****5678, e-mail z***@domain, other 张*.';
revoke all on function app.mask_contact(text) from public;

create or replace function app.comment_trim (
  p_text text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select btrim(p_text, E' \t\r\n\f\v' || chr(12288));
$function$;
revoke all on function app.comment_trim(text) from public;

create or replace function app.comment_text (
  p_text     text,
  p_field    text,
  p_required boolean default true
)
  returns text
  language plpgsql
  immutable
  set search_path to ''
  as $function$
declare
  v_text text := app.comment_trim(p_text);
begin
  if v_text is null or v_text = '' then
    if p_required then
      perform app.raise_error('comment_content_required', p_field);
    end if;
    return null;
  end if;
  if char_length(v_text) > 1000 then
    perform app.raise_error('comment_content_too_long', p_field);
  end if;
  return v_text;
end;
$function$;
revoke all on function app.comment_text(text, text, boolean) from public;

create or replace function app.comment_contact (
  p_contact text
)
  returns text
  language plpgsql
  immutable
  set search_path to ''
  as $function$
declare
  v_contact text := app.comment_trim(p_contact);
begin
  if v_contact is null or v_contact = '' then
    return null;
  end if;
  if char_length(v_contact) > 100 or v_contact ~ '[[:cntrl:]]' then
    perform app.raise_error('comment_contact_invalid', 'p_contact');
  end if;
  return v_contact;
end;
$function$;
revoke all on function app.comment_contact(text) from public;

create or replace function app.log_comment_event (
  p_comment_id uuid,
  p_event      text,
  p_from       text,
  p_to         text,
  p_unit_id    uuid,
  p_note       text
)
  returns void
  language sql
  set search_path to ''
  as $function$
  insert into app.comment_events (comment_id, event, status_from, status_to, unit_id, actor_user_id, note)
  values (p_comment_id, p_event, p_from, p_to, p_unit_id, (select auth.uid()), p_note);
  select app.audit(case when p_event = 'contact_revealed' then 'comment_contact' else 'comment' end,
                   p_comment_id, p_event, c.region_code, p_from, p_to, null, null, null,
                   jsonb_build_object('unit_id', p_unit_id))
  from app.comments c where c.id = p_comment_id;
$function$;
revoke all on function app.log_comment_event(uuid, text, text, text, uuid, text) from public;

create or replace function app.comment_rows (
  p_ids uuid[]
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select c.id, c.kind, c.source, c.content, c.status, c.region_code, r.name, c.unit_id, u.name, c.contact_masked,
         c.reply, c.replied_at, c.routed_at, c.close_note, c.closed_at, c.received_at, c.created_at
  from app.comments c
  join app.regions r on r.code = c.region_code
  left join app.units u on u.id = c.unit_id
  where c.id = any (p_ids)
  order by c.received_at desc, c.id;
$function$;
comment on function app.comment_rows(uuid[]) is 'Comments by id in the one shape the API returns (never the author, never the contact in clear). Callers decide which ids the caller may see.';
revoke all on function app.comment_rows(uuid[]) from public;

create or replace function app.supervises (
  p_region_code text
)
  returns boolean
  language sql
  stable
  set search_path to ''
  as $function$
  select p_region_code in (select app.my_region_codes());
$function$;
revoke all on function app.supervises(text) from public;

create or replace function app.supervised_region (
  p_region_code text
)
  returns text
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  v_region := coalesce(p_region_code, (
    select s.scope_region_code from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor'
    order by case r.level when 'province' then 1 when 'city' then 2 else 3 end, r.code limit 1));
  if not app.supervises(v_region) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  return v_region;
end;
$function$;
comment on function app.supervised_region(text) is 'The region a supervisor acts on (given, or their widest); forbidden otherwise.';
revoke all on function app.supervised_region(text) from public;

create or replace function app.check_comment_status (
  p_status text
)
  returns void
  language plpgsql
  immutable
  set search_path to ''
  as $function$
begin
  if p_status is not null and p_status not in ('received', 'routed', 'replied', 'closed') then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
end;
$function$;
revoke all on function app.check_comment_status(text) from public;

create or replace function public.submit_comment (
  p_kind    text,
  p_content text,
  p_unit_id uuid default null::uuid,
  p_contact text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_content text;
  v_contact text;
  v_region text;
  v_c app.comments;
begin
  if p_kind is null or p_kind not in ('suggestion', 'complaint', 'praise') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  v_content := app.comment_text(p_content, 'p_content');
  v_contact := app.comment_contact(p_contact);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
  else
    -- No unit chosen: the inbox of the citizen's region, else of the city.
    v_region := coalesce(
      (select u.region_code from app.users u where u.id = v_uid),
      (select r.code from app.regions r where r.level = 'city' order by r.code limit 1));
  end if;
  -- The 意见箱 is open to everyone signed in; 20 a day per person keeps it usable.
  if (select count(*) from app.comments c where c.author_user_id = v_uid and c.created_at > now() - interval '1 day') >= 20 then
    perform app.raise_error('comment_daily_limit');
  end if;

  insert into app.comments as c (kind, source, content, author_user_id, contact_enc, contact_masked, region_code, unit_id,
                                 status, routed_at, updated_by)
  values (p_kind, 'suggestion_box', v_content, v_uid, app.pii_encrypt(v_contact), app.mask_contact(v_contact), v_region, p_unit_id,
          case when p_unit_id is null then 'received' else 'routed' end,
          case when p_unit_id is not null then now() end, v_uid)
  returning * into v_c;
  perform app.log_comment_event(v_c.id, 'submitted', null, 'received', null, null);
  if p_unit_id is not null then
    perform app.log_comment_event(v_c.id, 'routed', 'received', 'routed', p_unit_id, '群众选择的单位');
  end if;
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.submit_comment(text, text, uuid, text) is 'R18 意见箱: a signed-in person leaves a suggestion, complaint or praise (≤ 1000 chars), for a unit of their choice or none; contact optional, stored encrypted, shown masked only.';
revoke all on function public.submit_comment(text, text, uuid, text) from public;
grant execute on function public.submit_comment(text, text, uuid, text) to authenticated, service_role;

create or replace function public.record_comment (
  p_source      text,
  p_kind        text,
  p_content     text,
  p_region_code text                     default null::text,
  p_unit_id     uuid                     default null::uuid,
  p_contact     text                     default null::text,
  p_received_at timestamp with time zone default null::timestamp with time zone
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_content text;
  v_contact text;
  v_c app.comments;
begin
  if p_source is null or p_source not in ('hotline', 'supervision_platform', 'email') then
    perform app.raise_error('invalid_input', 'p_source');
  end if;
  if p_kind is null or p_kind not in ('suggestion', 'complaint', 'praise') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  v_content := app.comment_text(p_content, 'p_content');
  v_contact := app.comment_contact(p_contact);
  if p_received_at > now() or p_received_at < timestamptz '2000-01-01 00:00:00+08' then
    perform app.raise_error('invalid_input', 'p_received_at');
  end if;
  perform app.supervised_region(null);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if p_region_code is not null and p_region_code <> v_region then
      perform app.raise_error('invalid_input', 'p_region_code');
    end if;
  end if;
  v_region := app.supervised_region(coalesce(v_region, p_region_code));

  insert into app.comments as c (kind, source, content, contact_enc, contact_masked, region_code, unit_id, status, routed_at,
                                 received_at, recorded_by, updated_by)
  values (p_kind, p_source, v_content, app.pii_encrypt(v_contact), app.mask_contact(v_contact), v_region, p_unit_id,
          case when p_unit_id is null then 'received' else 'routed' end,
          case when p_unit_id is not null then now() end, coalesce(p_received_at, now()), v_uid, v_uid)
  returning * into v_c;
  perform app.log_comment_event(v_c.id, 'recorded', null, 'received', null, null);
  if p_unit_id is not null then
    perform app.log_comment_event(v_c.id, 'routed', 'received', 'routed', p_unit_id, null);
  end if;
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.record_comment(text, text, text, text, uuid, text, timestamp with time zone) is 'R18: a supervisor records a comment received by hotline, supervision platform or e-mail, for a region they oversee (or straight for a unit there); the contact is stored encrypted.';
revoke all on function public.record_comment(text, text, text, text, uuid, text, timestamp with time zone) from public;
grant execute on function public.record_comment(text, text, text, text, uuid, text, timestamp with time zone) to authenticated, service_role;

create or replace function public.my_comments()
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select * from app.comment_rows(array(select c.id from app.comments c where c.author_user_id = (select auth.uid())));
$function$;
comment on function public.my_comments() is 'The caller''s own 意见箱 comments with the unit''s reply, newest first.';
revoke all on function public.my_comments() from public;
grant execute on function public.my_comments() to authenticated, service_role;

create or replace function public.unit_comments (
  p_status text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_user();
  perform app.check_comment_status(p_status);
  if not exists (select app.my_unit_ids()) then
    perform app.raise_error('forbidden');
  end if;
  return query select * from app.comment_rows(array(
    select c.id from app.comments c
    where c.unit_id in (select app.my_unit_ids()) and (p_status is null or c.status = p_status)));
end;
$function$;
comment on function public.unit_comments(text) is 'Comments routed to the caller''s units (staff and unit admins), by status; contact masked, no author.';
revoke all on function public.unit_comments(text) from public;
grant execute on function public.unit_comments(text) to authenticated, service_role;

create or replace function public.supervisor_comments (
  p_status      text default null::text,
  p_region_code text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text;
begin
  perform app.check_comment_status(p_status);
  v_region := app.supervised_region(p_region_code);
  return query select * from app.comment_rows(array(
    select c.id from app.comments c
    where c.region_code in (select app.region_and_below(v_region)) and (p_status is null or c.status = p_status)));
end;
$function$;
comment on function public.supervisor_comments(text, text) is 'The supervisors'' inbox: comments of a region they oversee (default: their widest) and the regions below it, by status.';
revoke all on function public.supervisor_comments(text, text) from public;
grant execute on function public.supervisor_comments(text, text) to authenticated, service_role;

create or replace function public.route_comment (
  p_comment_id uuid,
  p_unit_id    uuid,
  p_note       text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_note text := app.comment_text(p_note, 'p_note', false);
  v_c app.comments;
  v_unit_region text;
begin
  if p_comment_id is null then
    perform app.raise_error('invalid_input', 'p_comment_id');
  end if;
  if p_unit_id is null then
    perform app.raise_error('invalid_input', 'p_unit_id');
  end if;
  perform app.supervised_region(null);
  select * into v_c from app.comments c where c.id = p_comment_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  select u.region_code into v_unit_region from app.units u where u.id = p_unit_id;
  if not found then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  if not app.supervises(v_unit_region) then
    perform app.raise_error('forbidden', 'p_unit_id');
  end if;
  if v_c.status not in ('received', 'routed') or v_c.unit_id = p_unit_id then
    perform app.raise_error('comment_invalid_transition', v_c.status || ' → routed');
  end if;

  update app.comments c
  set status = 'routed', unit_id = p_unit_id, region_code = v_unit_region, routed_at = now(),
      updated_at = now(), updated_by = v_uid
  where c.id = v_c.id;
  perform app.log_comment_event(v_c.id, case v_c.status when 'routed' then 'rerouted' else 'routed' end,
                                v_c.status, 'routed', p_unit_id, v_note);
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.route_comment(uuid, uuid, text) is 'R18: a supervisor of the comment''s region sends it to a unit of their region (received → routed, or routed → routed to another unit before it is answered).';
revoke all on function public.route_comment(uuid, uuid, text) from public;
grant execute on function public.route_comment(uuid, uuid, text) to authenticated, service_role;

create or replace function public.reply_comment (
  p_comment_id uuid,
  p_reply      text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_reply text := app.comment_text(p_reply, 'p_reply');
  v_c app.comments;
begin
  select * into v_c from app.comments c where c.id = p_comment_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if v_c.unit_id is null or v_c.unit_id not in (select app.my_unit_ids()) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  if v_c.status <> 'routed' then
    perform app.raise_error('comment_invalid_transition', v_c.status || ' → replied');
  end if;

  update app.comments c
  set status = 'replied', reply = v_reply, replied_at = now(), replied_by = v_uid, updated_at = now(), updated_by = v_uid
  where c.id = v_c.id;
  perform app.log_comment_event(v_c.id, 'replied', 'routed', 'replied', v_c.unit_id, v_reply);
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.reply_comment(uuid, text) is 'R18: staff or the unit admin of the unit a comment is routed to answer it (routed → replied). The author reads the reply in my_comments.';
revoke all on function public.reply_comment(uuid, text) from public;
grant execute on function public.reply_comment(uuid, text) to authenticated, service_role;

create or replace function public.close_comment (
  p_comment_id uuid,
  p_note       text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_note text := app.comment_text(p_note, 'p_note', false);
  v_c app.comments;
begin
  perform app.supervised_region(null);
  select * into v_c from app.comments c where c.id = p_comment_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  if v_c.status not in ('received', 'replied') then
    perform app.raise_error('comment_invalid_transition', v_c.status || ' → closed');
  end if;
  -- Closing without an answer (a duplicate, nothing to act on) must say why.
  if v_c.status = 'received' and v_note is null then
    perform app.raise_error('comment_content_required', 'p_note');
  end if;

  update app.comments c
  set status = 'closed', closed_at = now(), close_note = v_note, updated_at = now(), updated_by = v_uid
  where c.id = v_c.id;
  perform app.log_comment_event(v_c.id, 'closed', v_c.status, 'closed', v_c.unit_id, v_note);
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.close_comment(uuid, text) is 'R18: a supervisor of the comment''s region closes it once answered (replied → closed), or unanswered with a reason (received → closed).';
revoke all on function public.close_comment(uuid, text) from public;
grant execute on function public.close_comment(uuid, text) to authenticated, service_role;

create or replace function public.reveal_comment_contact (
  p_comment_id uuid
)
  returns table (
    contact        text,
    contact_masked text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_c app.comments;
begin
  perform app.supervised_region(null);
  select * into v_c from app.comments c where c.id = p_comment_id;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  if v_c.contact_enc is not null then
    perform app.log_comment_event(v_c.id, 'contact_revealed', v_c.status, v_c.status, null, null);
  end if;
  return query select app.pii_decrypt(v_c.contact_enc), v_c.contact_masked;
end;
$function$;
comment on function public.reveal_comment_contact(uuid) is 'R13/R18: the contact a person left, decrypted, to a supervisor of the comment''s region (to call back); every reveal is logged. The only reader of app.comments.contact_enc.';
revoke all on function public.reveal_comment_contact(uuid) from public;
grant execute on function public.reveal_comment_contact(uuid) to authenticated, service_role;

create or replace function public.comment_history (
  p_comment_id uuid
)
  returns table (
    at          timestamp with time zone,
    event       text,
    status_from text,
    status_to   text,
    unit_name   text,
    note        text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_c app.comments;
begin
  select * into v_c from app.comments c where c.id = p_comment_id;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if v_c.author_user_id is distinct from v_uid
     and (v_c.unit_id is null or v_c.unit_id not in (select app.my_unit_ids()))
     and not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  return query
  select e.created_at, e.event, e.status_from, e.status_to, u.name, e.note
  from app.comment_events e left join app.units u on u.id = e.unit_id
  where e.comment_id = v_c.id
  order by e.id;
end;
$function$;
comment on function public.comment_history(uuid) is 'What happened to a comment, oldest first, for its author, the unit it is routed to and supervisors of its region. Never who acted.';
revoke all on function public.comment_history(uuid) from public;
grant execute on function public.comment_history(uuid) to authenticated, service_role;

create table app.return_visit_samples (
  id              uuid                     not null default gen_random_uuid(),
  region_code     text                     not null,
  period_from     date                     not null,
  period_to       date                     not null,
  requested_n     integer                  not null,
  seed            text                     not null,
  candidate_count integer                  not null,
  drawn_by        uuid                     not null,
  created_at      timestamp with time zone not null default now(),
  constraint return_visit_samples_candidate_count_check check ((candidate_count > 0)),
  constraint return_visit_samples_check check ((period_from <= period_to)),
  constraint return_visit_samples_pkey primary key (id),
  constraint return_visit_samples_requested_n_check check (((requested_n >= 1) and (requested_n <= 200))),
  constraint return_visit_samples_seed_check check (((char_length(seed) >= 1) and (char_length(seed) <= 100)))
);
alter table app.return_visit_samples
  enable row level security;
alter table app.return_visit_samples
  add constraint return_visit_samples_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.return_visit_samples
  add constraint return_visit_samples_drawn_by_fkey foreign key (drawn_by) references app.users(id);
create index return_visit_samples_drawn_by_idx on app.return_visit_samples using btree (drawn_by);
create index return_visit_samples_region_code_idx on app.return_visit_samples using btree (region_code, created_at);
comment on table app.return_visit_samples is '回访抽查 batches: who drew which sample of real-name raters, for which region and period (Asia/Shanghai days), with which seed.';
comment on column app.return_visit_samples.candidate_count is 'How many distinct real-name raters were eligible when the sample was drawn.';
comment on column app.return_visit_samples.seed is 'Ranks candidates by md5(seed || '':'' || rating id): the same seed over the same ratings draws the same raters.';
grant select on table app.return_visit_samples to service_role;

create table app.return_visit_sample_items (
  id            uuid                     not null default gen_random_uuid(),
  sample_id     uuid                     not null,
  "position"      integer                  not null,
  rating_id     uuid                     not null,
  rater_user_id uuid                     not null,
  outcome       text,
  satisfied     boolean,
  note          text,
  visited_at    timestamp with time zone,
  visited_by    uuid,
  updated_at    timestamp with time zone not null default now(),
  constraint return_visit_sample_items_check1 check ((((outcome is null) = (visited_at is null)) and ((outcome is null) = (visited_by is null)))),
  constraint return_visit_sample_items_check check (
case
    when (outcome = 'reached'::text) then (satisfied is not null)
    else (satisfied is null)
end),
  constraint return_visit_sample_items_note_check check (((char_length(note) >= 1) and (char_length(note) <= 1000))),
  constraint return_visit_sample_items_outcome_check check ((outcome = any (array['reached'::text, 'unreachable'::text, 'declined'::text]))),
  constraint return_visit_sample_items_pkey primary key (id),
  constraint return_visit_sample_items_position_check check (("position" > 0)),
  constraint return_visit_sample_items_sample_id_position_key unique (sample_id, "position"),
  constraint return_visit_sample_items_sample_id_rater_user_id_key unique (sample_id, rater_user_id)
);
alter table app.return_visit_sample_items
  enable row level security;
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_rating_id_fkey foreign key (rating_id) references app.ratings(id);
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_sample_id_fkey foreign key (sample_id) references app.return_visit_samples(id);
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_rater_user_id_fkey foreign key (rater_user_id) references app.users(id);
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_visited_by_fkey foreign key (visited_by) references app.users(id);
create index return_visit_sample_items_rater_user_id_idx on app.return_visit_sample_items using btree (rater_user_id);
create index return_visit_sample_items_rating_id_idx on app.return_visit_sample_items using btree (rating_id);
create index return_visit_sample_items_visited_by_idx on app.return_visit_sample_items using btree (visited_by);
comment on table app.return_visit_sample_items is 'One sampled rater (through one of their ratings) per row, and the 回访 outcome: reached 已回访 (satisfied 满意/不满意), unreachable 联系不上 (may be tried again), declined 拒绝回访.';
grant select on table app.return_visit_sample_items to service_role;

create or replace function app.sample_candidates (
  p_region_code text,
  p_from        date,
  p_to          date,
  p_seed        text
)
  returns table (
    rating_id     uuid,
    rater_user_id uuid,
    rank_key      text
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select distinct on (r.rater_user_id) r.id, r.rater_user_id, md5(p_seed || ':' || r.id::text)
  from app.ratings r
  join app.users u on u.id = r.rater_user_id
  where r.region_code in (select app.region_and_below(p_region_code))
    and r.rated_at >= (p_from::timestamp at time zone 'Asia/Shanghai')
    and r.rated_at < ((p_to + 1)::timestamp at time zone 'Asia/Shanghai')
    and r.assess_number = 1 and not r.is_anonymous and not r.is_default and r.validity = 'valid'
    and u.realname_verified_at is not null
  order by r.rater_user_id, md5(p_seed || ':' || r.id::text), r.id;
$function$;
revoke all on function app.sample_candidates(text, date, date, text) from public;

create or replace function app.sample_item_rows (
  p_sample_id uuid
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select s.id, s.seed, i.id, i.position, r.id, r.rated_at, r.level, r.channel, un.name, m.name,
         u.masked_name, u.masked_phone, i.outcome, i.satisfied, i.note, i.visited_at
  from app.return_visit_samples s
  join app.return_visit_sample_items i on i.sample_id = s.id
  join app.ratings r on r.id = i.rating_id
  join app.users u on u.id = i.rater_user_id
  join app.units un on un.id = r.unit_id
  left join app.matters m on m.id = r.matter_id
  where s.id = p_sample_id
  order by i.position;
$function$;
revoke all on function app.sample_item_rows(uuid) from public;

create or replace function app.check_review_period (
  p_from date,
  p_to   date
)
  returns void
  language plpgsql
  immutable
  set search_path to ''
  as $function$
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 366 then
    perform app.raise_error('review_period_invalid', 'p_from/p_to');
  end if;
end;
$function$;
revoke all on function app.check_review_period(date, date) from public;

create or replace function public.sample_return_visits (
  p_from        date,
  p_to          date,
  p_region_code text    default null::text,
  p_n           integer default 20,
  p_seed        text    default null::text
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_seed text := coalesce(p_seed, left(replace(gen_random_uuid()::text, '-', ''), 16));
  v_candidates int;
  v_ratings uuid[];
  v_raters uuid[];
  v_sample_id uuid;
begin
  perform app.check_review_period(p_from, p_to);
  if p_n is null or p_n not between 1 and 200 then
    perform app.raise_error('sample_size_out_of_range', 'p_n');
  end if;
  if char_length(v_seed) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'p_seed');
  end if;
  v_region := app.supervised_region(p_region_code);

  -- One pass over the candidates: how many there are, and the first p_n under the seed.
  select count(*)::int,
         (array_agg(c.rating_id order by c.rank_key, c.rating_id))[1:p_n],
         (array_agg(c.rater_user_id order by c.rank_key, c.rating_id))[1:p_n]
  into v_candidates, v_ratings, v_raters
  from app.sample_candidates(v_region, p_from, p_to, v_seed) c;
  if v_candidates = 0 then
    perform app.raise_error('sample_no_candidates');
  end if;

  insert into app.return_visit_samples as s (region_code, period_from, period_to, requested_n, seed, candidate_count, drawn_by)
  values (v_region, p_from, p_to, p_n, v_seed, v_candidates, v_uid)
  returning s.id into v_sample_id;
  insert into app.return_visit_sample_items (sample_id, position, rating_id, rater_user_id)
  select v_sample_id, x.pos, x.rating_id, x.rater_user_id
  from unnest(v_ratings, v_raters) with ordinality as x (rating_id, rater_user_id, pos);

  return query select * from app.sample_item_rows(v_sample_id);
end;
$function$;
comment on function public.sample_return_visits(date, date, text, integer, text) is 'R18 回访抽查: draws up to p_n (1..200) real-name raters of ratings rated p_from..p_to (Asia/Shanghai) in a region the caller supervises, stores the batch, returns its items (rater masked). Same p_seed → same raters; without one a random seed is drawn and returned.';
revoke all on function public.sample_return_visits(date, date, text, integer, text) from public;
grant execute on function public.sample_return_visits(date, date, text, integer, text) to authenticated, service_role;

create or replace function public.return_visit_samples (
  p_region_code text default null::text
)
  returns table (
    id              uuid,
    region_code     text,
    region_name     text,
    period_from     date,
    period_to       date,
    requested_n     integer,
    seed            text,
    candidate_count integer,
    item_count      integer,
    visited_count   integer,
    satisfied_count integer,
    created_at      timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := app.supervised_region(p_region_code);
begin
  return query
  select s.id, s.region_code, g.name, s.period_from, s.period_to, s.requested_n, s.seed, s.candidate_count,
         count(i.id)::int, (count(i.id) filter (where i.outcome in ('reached', 'declined')))::int,
         (count(i.id) filter (where i.satisfied))::int,
         s.created_at
  from app.return_visit_samples s
  join app.regions g on g.code = s.region_code
  left join app.return_visit_sample_items i on i.sample_id = s.id
  where s.region_code in (select app.region_and_below(v_region))
  group by s.id, g.name
  order by s.created_at desc, s.id;
end;
$function$;
comment on function public.return_visit_samples(text) is '回访抽查 batches of a region the caller supervises (default: their widest), newest first, with progress counts.';
revoke all on function public.return_visit_samples(text) from public;
grant execute on function public.return_visit_samples(text) to authenticated, service_role;

create or replace function app.supervised_sample (
  p_sample_id uuid
)
  returns app.return_visit_samples
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_s app.return_visit_samples;
begin
  perform app.supervised_region(null);
  select * into v_s from app.return_visit_samples s where s.id = p_sample_id;
  if not found then
    perform app.raise_error('not_found', 'p_sample_id');
  end if;
  if not app.supervises(v_s.region_code) then
    perform app.raise_error('forbidden', 'p_sample_id');
  end if;
  return v_s;
end;
$function$;
revoke all on function app.supervised_sample(uuid) from public;

create or replace function public.return_visit_sample_items (
  p_sample_id uuid
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.supervised_sample(p_sample_id);
  return query select * from app.sample_item_rows(p_sample_id);
end;
$function$;
comment on function public.return_visit_sample_items(uuid) is 'The raters of one 回访抽查 batch (masked) and each visit''s outcome, in draw order.';
revoke all on function public.return_visit_sample_items(uuid) from public;
grant execute on function public.return_visit_sample_items(uuid) to authenticated, service_role;

create or replace function public.record_sample_visit (
  p_item_id   uuid,
  p_outcome   text,
  p_satisfied boolean default null::boolean,
  p_note      text    default null::text
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_note text := app.comment_text(p_note, 'p_note', false);
  v_i app.return_visit_sample_items;
begin
  if p_outcome is null or p_outcome not in ('reached', 'unreachable', 'declined') then
    perform app.raise_error('invalid_input', 'p_outcome');
  end if;
  if (p_outcome = 'reached') <> (p_satisfied is not null) then
    perform app.raise_error('invalid_input', 'p_satisfied');
  end if;
  perform app.supervised_region(null);
  select * into v_i from app.return_visit_sample_items i where i.id = p_item_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_item_id');
  end if;
  perform app.supervised_sample(v_i.sample_id);
  -- Someone not reached may be tried again; a visit that happened (or was declined) stands.
  if v_i.outcome in ('reached', 'declined') then
    perform app.raise_error('sample_visit_recorded', 'p_item_id');
  end if;

  update app.return_visit_sample_items i
  set outcome = p_outcome, satisfied = p_satisfied, note = v_note, visited_at = now(), visited_by = v_uid, updated_at = now()
  where i.id = v_i.id;
  return query select * from app.sample_item_rows(v_i.sample_id) r where r.item_id = v_i.id;
end;
$function$;
comment on function public.record_sample_visit(uuid, text, boolean, text) is 'R18: records a 回访抽查 visit: reached (with satisfied), unreachable (may be recorded again later) or declined.';
revoke all on function public.record_sample_visit(uuid, text, boolean, text) from public;
grant execute on function public.record_sample_visit(uuid, text, boolean, text) to authenticated, service_role;

create table app.third_party_assessments (
  id             uuid                     not null default gen_random_uuid(),
  region_code    text                     not null,
  unit_id        uuid,
  period_from    date                     not null,
  period_to      date                     not null,
  assessor_org   text                     not null,
  score          numeric(5,2)             not null,
  summary        text                     not null,
  attachment_ref text,
  recorded_by    uuid                     not null,
  created_at     timestamp with time zone not null default now(),
  updated_at     timestamp with time zone not null default now(),
  updated_by     uuid                     not null,
  constraint third_party_assessments_assessor_org_check check (((char_length(assessor_org) >= 1) and (char_length(assessor_org) <= 200))),
  constraint third_party_assessments_attachment_ref_check check (((attachment_ref ~ '^\S+$'::text) and (char_length(attachment_ref) <= 500))),
  constraint third_party_assessments_check check ((period_from <= period_to)),
  constraint third_party_assessments_pkey primary key (id),
  constraint third_party_assessments_score_check check (((score >= (0)::numeric) and (score <= (100)::numeric))),
  constraint third_party_assessments_summary_check check (((char_length(summary) >= 1) and (char_length(summary) <= 1000)))
);
alter table app.third_party_assessments
  enable row level security;
alter table app.third_party_assessments
  add constraint third_party_assessments_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.third_party_assessments
  add constraint third_party_assessments_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.third_party_assessments
  add constraint third_party_assessments_recorded_by_fkey foreign key (recorded_by) references app.users(id);
alter table app.third_party_assessments
  add constraint third_party_assessments_updated_by_fkey foreign key (updated_by) references app.users(id);
create index third_party_assessments_recorded_by_idx on app.third_party_assessments using btree (recorded_by);
create index third_party_assessments_region_code_idx on app.third_party_assessments using btree (region_code, period_from);
create index third_party_assessments_unit_id_idx on app.third_party_assessments using btree (unit_id);
create index third_party_assessments_updated_by_idx on app.third_party_assessments using btree (updated_by);
comment on table app.third_party_assessments is '第三方评估 of a region (unit_id null) or one unit of it, for period_from..period_to.';
comment on column app.third_party_assessments.attachment_ref is 'Where the report file is kept (storage path or URL); the file itself is not stored here.';
comment on column app.third_party_assessments.score is 'The assessor''s overall score, 0–100.';
grant select on table app.third_party_assessments to service_role;

create or replace function public.record_third_party_assessment (
  p_region_code    text,
  p_unit_id        uuid,
  p_period_from    date,
  p_period_to      date,
  p_assessor_org   text,
  p_score          numeric,
  p_summary        text,
  p_attachment_ref text    default null::text
)
  returns table (
    id             uuid,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    period_from    date,
    period_to      date,
    assessor_org   text,
    score          numeric,
    summary        text,
    attachment_ref text,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text := p_region_code;
  v_org text;
  v_summary text := app.comment_text(p_summary, 'p_summary');
  v_a app.third_party_assessments;
begin
  perform app.check_review_period(p_period_from, p_period_to);
  if p_assessor_org is null or btrim(p_assessor_org) = '' or char_length(btrim(p_assessor_org)) > 200 then
    perform app.raise_error('invalid_input', 'p_assessor_org');
  end if;
  v_org := btrim(p_assessor_org);
  if p_score is null or p_score not between 0 and 100 then
    perform app.raise_error('assessment_score_out_of_range', 'p_score');
  end if;
  if p_attachment_ref is not null and (p_attachment_ref !~ '^\S+$' or char_length(p_attachment_ref) > 500) then
    perform app.raise_error('invalid_input', 'p_attachment_ref');
  end if;
  perform app.supervised_region(null);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if p_region_code is not null and p_region_code <> v_region then
      perform app.raise_error('invalid_input', 'p_region_code');
    end if;
  elsif p_region_code is null then
    perform app.raise_error('invalid_input', 'p_region_code');
  end if;
  v_region := app.supervised_region(v_region);

  insert into app.third_party_assessments as a (region_code, unit_id, period_from, period_to, assessor_org, score, summary,
                                                attachment_ref, recorded_by, updated_by)
  values (v_region, p_unit_id, p_period_from, p_period_to, v_org, p_score, v_summary, p_attachment_ref, v_uid, v_uid)
  returning * into v_a;
  return query
  select v_a.id, v_a.region_code, g.name, v_a.unit_id, u.name, v_a.period_from, v_a.period_to,
         v_a.assessor_org, v_a.score, v_a.summary, v_a.attachment_ref, v_a.created_at
  from app.regions g left join app.units u on u.id = v_a.unit_id
  where g.code = v_a.region_code;
end;
$function$;
comment on function public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text) is 'R18 第三方评估: a supervisor records an assessment of a region they oversee or of one unit in it (score 0–100, period ≤ 1 year).';
revoke all on function public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text) from public;
grant execute on function public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text) to authenticated, service_role;

create or replace function public.third_party_assessments (
  p_region_code text default null::text,
  p_unit_id     uuid default null::uuid
)
  returns table (
    id             uuid,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    period_from    date,
    period_to      date,
    assessor_org   text,
    score          numeric,
    summary        text,
    attachment_ref text,
    created_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_supervisor boolean := exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor');
  v_region text;
begin
  if v_supervisor then
    v_region := app.supervised_region(p_region_code);
  elsif not exists (select app.my_unit_ids()) or p_region_code is not null then
    perform app.raise_error('forbidden');
  elsif p_unit_id is not null and p_unit_id not in (select app.my_unit_ids()) then
    perform app.raise_error('forbidden', 'p_unit_id');
  end if;
  return query
  select a.id, a.region_code, g.name, a.unit_id, u.name, a.period_from, a.period_to,
         a.assessor_org, a.score, a.summary, a.attachment_ref, a.created_at
  from app.third_party_assessments a
  join app.regions g on g.code = a.region_code
  left join app.units u on u.id = a.unit_id
  where (p_unit_id is null or a.unit_id = p_unit_id)
    and case when v_supervisor then a.region_code in (select app.region_and_below(v_region))
             else a.unit_id in (select app.my_unit_ids()) end
  order by a.period_to desc, a.created_at desc, a.id;
end;
$function$;
comment on function public.third_party_assessments(text, uuid) is '第三方评估 records: supervisors see those of a region they oversee (default: their widest); staff and unit admins those about their own units.';
revoke all on function public.third_party_assessments(text, uuid) from public;
grant execute on function public.third_party_assessments(text, uuid) to authenticated, service_role;

create trigger comment_events_append_only
  before delete or update on app.comment_events
  for each row
  execute function app.refuse_audit_change();

create trigger comment_events_no_truncate
  before truncate on app.comment_events
  for each statement
  execute function app.refuse_audit_change();

create policy comments_select on app.comments
  for select
  to service_role
  using (true);

create policy comment_events_select on app.comment_events
  for select
  to service_role
  using (true);

create policy return_visit_samples_select on app.return_visit_samples
  for select
  to service_role
  using (true);

create policy return_visit_sample_items_select on app.return_visit_sample_items
  for select
  to service_role
  using (true);

create policy third_party_assessments_select on app.third_party_assessments
  for select
  to service_role
  using (true);
