-- 综合点评 (R18, policy 二(三)): suggestions, complaints and praise from the mini-program's
-- 意见箱, the 12345 hotline, the supervision platform and e-mail, routed to a unit, answered and
-- tracked: received → routed → replied → closed. The contact a person leaves is identity (R13):
-- it sits in one column that only supervisors' definer functions read (and each read is logged);
-- everyone else gets contact_masked. Encryption at rest is the PII migrations' job (2026112921*).
-- Every change is kept in app.comment_events (who, when, from which state to which) until the
-- shared audit log takes it over.

create table app.comments (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('suggestion', 'complaint', 'praise')),
  source text not null check (source in ('suggestion_box', 'hotline', 'supervision_platform', 'email')),
  content text not null check (char_length(content) between 1 and 1000),
  author_user_id uuid references app.users (id),
  contact text check (char_length(contact) between 1 and 100),
  contact_masked text not null default '',
  region_code text not null references app.regions (code),
  unit_id uuid references app.units (id),
  status text not null default 'received' check (status in ('received', 'routed', 'replied', 'closed')),
  routed_at timestamptz,
  reply text check (char_length(reply) between 1 and 1000),
  replied_at timestamptz,
  replied_by uuid references app.users (id),
  close_note text check (char_length(close_note) between 1 and 1000),
  closed_at timestamptz,
  received_at timestamptz not null default now(),
  recorded_by uuid references app.users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid references app.users (id),
  -- Citizens write into the 意见箱 themselves; the other sources are recorded by a supervisor.
  check ((source = 'suggestion_box') = (author_user_id is not null and recorded_by is null)),
  check (source = 'suggestion_box' or recorded_by is not null),
  check (status <> 'received' or unit_id is null),
  check (status not in ('routed', 'replied') or unit_id is not null),
  check ((reply is null) = (replied_at is null)),
  check (status <> 'replied' or reply is not null),
  check ((status = 'closed') = (closed_at is not null))
);
comment on table app.comments is '综合点评 (R18): kind suggestion 建议 / complaint 投诉 / praise 表扬; source suggestion_box 意见箱（小程序）/ hotline 12345热线 / supervision_platform 监督平台 / email 电子邮箱.';
comment on column app.comments.contact is 'Contact left by the person (phone, e-mail, name): identity (R13). Read only by supervisors'' definer functions (reveal_comment_contact, logged); never returned to staff.';
comment on column app.comments.contact_masked is 'app.mask_contact(contact), the only form of the contact anyone but a supervisor sees.';
comment on column app.comments.region_code is 'Whose inbox: the routed unit''s region, or before routing the region it was received for.';
comment on column app.comments.received_at is 'When the source received it (the hotline call, the e-mail); for the 意见箱 the submit time.';
comment on column app.comments.recorded_by is 'The supervisor who recorded a comment from the hotline, supervision platform or e-mail.';
create index comments_author_user_id_idx on app.comments (author_user_id, created_at);
create index comments_region_code_idx on app.comments (region_code, status);
create index comments_unit_id_idx on app.comments (unit_id, status);
create index comments_replied_by_idx on app.comments (replied_by);
create index comments_recorded_by_idx on app.comments (recorded_by);
create index comments_updated_by_idx on app.comments (updated_by);
alter table app.comments enable row level security;
-- Reached only through the definer RPCs below; the API roles hold no privilege on it.
create policy comments_select on app.comments for select to service_role using (true);
revoke all on app.comments from anon, authenticated;
grant select on app.comments to service_role;

create table app.comment_events (
  id bigint generated always as identity primary key,
  comment_id uuid not null references app.comments (id),
  event text not null check (event in ('submitted', 'recorded', 'routed', 'rerouted', 'replied', 'closed', 'contact_revealed')),
  status_from text,
  status_to text,
  unit_id uuid references app.units (id),
  actor_user_id uuid references app.users (id),
  note text,
  created_at timestamptz not null default now()
);
comment on table app.comment_events is 'History of each 综合点评: every state change and every contact reveal, who and when. To feed the shared append-only audit log (R14) once it exists.';
comment on column app.comment_events.unit_id is 'The unit routed to (routed, rerouted) or answering (replied).';
create index comment_events_comment_id_idx on app.comment_events (comment_id, id);
create index comment_events_unit_id_idx on app.comment_events (unit_id);
create index comment_events_actor_user_id_idx on app.comment_events (actor_user_id);
alter table app.comment_events enable row level security;
create policy comment_events_select on app.comment_events for select to service_role using (true);
revoke all on app.comment_events from anon, authenticated;
grant select on app.comment_events to service_role;

-- 138****5678 for a phone number, z***@example.cn for an e-mail, 张* for anything else.
create function app.mask_contact(p_contact text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_contact is null or btrim(p_contact) = '' then ''
    when btrim(p_contact) ~ '^[^@\s]+@[^@\s]+$' then left(btrim(p_contact), 1) || '***@' || split_part(btrim(p_contact), '@', 2)
    when char_length(regexp_replace(p_contact, '\D', '', 'g')) >= 11
      then left(regexp_replace(p_contact, '\D', '', 'g'), 3) || '****' || right(regexp_replace(p_contact, '\D', '', 'g'), 4)
    when char_length(regexp_replace(p_contact, '\D', '', 'g')) >= 7
      then '****' || right(regexp_replace(p_contact, '\D', '', 'g'), 4)
    else left(btrim(p_contact), 1) || '*'
  end;
$$;
comment on function app.mask_contact(text) is 'The masked form of a contact (R13): phone 138****5678, e-mail z***@domain, other 张*.';
revoke execute on function app.mask_contact(text) from public;

-- Trimmed of spaces, tabs, line breaks and the full-width space (U+3000) at both ends.
create function app.comment_trim(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select btrim(p_text, E' \t\r\n\f\v' || chr(12288));
$$;
revoke execute on function app.comment_trim(text) from public;

-- Content, reply and notes: trimmed, 1..1000 characters. Returns the trimmed text (null when
-- empty and not required).
create function app.comment_text(p_text text, p_field text, p_required boolean default true)
returns text
language plpgsql
immutable
set search_path = ''
as $$
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
$$;
revoke execute on function app.comment_text(text, text, boolean) from public;

create function app.comment_contact(p_contact text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
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
$$;
revoke execute on function app.comment_contact(text) from public;

create function app.log_comment_event(p_comment_id uuid, p_event text, p_from text, p_to text, p_unit_id uuid, p_note text)
returns void
language sql
set search_path = ''
as $$
  insert into app.comment_events (comment_id, event, status_from, status_to, unit_id, actor_user_id, note)
  values (p_comment_id, p_event, p_from, p_to, p_unit_id, (select auth.uid()), p_note);
$$;
revoke execute on function app.log_comment_event(uuid, text, text, text, uuid, text) from public;
