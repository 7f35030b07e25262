-- R14 audit: an append-only log of every state change of a rating, work order and appeal, and
-- of every reveal of a rater's contact (R13): who, when, what, from which state to which.
-- Rows are written only by definer functions through app.audit(); no API role holds a write
-- grant, and a trigger refuses UPDATE, DELETE and TRUNCATE for every role (only the schema
-- owner, by disabling the trigger, could). The work-order timeline the rater and staff read is
-- a filtered projection of these rows, so the history is kept exactly once.

create table app.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default clock_timestamp(),
  actor_user_id uuid references app.users (id),
  actor_role text not null default current_user,
  entity text not null check (entity in ('rating', 'work_order', 'appeal', 'rater_contact')),
  entity_id uuid not null,
  work_order_id uuid,
  action text not null,
  state_from text,
  state_to text,
  note text,
  due_on date,
  detail jsonb not null default '{}',
  region_code text not null references app.regions (code)
);
comment on table app.audit_log is 'R14: append-only. One row per state change (rating validity, work order, appeal) and per PII reveal.';
comment on column app.audit_log.actor_user_id is 'Who acted (JWT sub); null for jobs and triggers.';
comment on column app.audit_log.actor_role is 'The database role that acted: authenticated, service_role, postgres (jobs).';
comment on column app.audit_log.note is 'Text meant for the rater''s timeline (reply, measures, extension reason); internal remarks go to detail.';
comment on column app.audit_log.due_on is 'A due date this change set (verification, rectification, extension).';
create index audit_log_entity_idx on app.audit_log (entity_id, id);
create index audit_log_work_order_idx on app.audit_log (work_order_id, id) where work_order_id is not null;
create index audit_log_region_at_idx on app.audit_log (region_code, at);
create index audit_log_actor_user_id_idx on app.audit_log (actor_user_id);

alter table app.audit_log enable row level security;
create policy audit_log_select on app.audit_log for select to authenticated
  using (region_code in (select app.my_region_codes()));
grant select on app.audit_log to authenticated;
revoke insert, update, delete, truncate on app.audit_log from anon, authenticated, service_role;

create function app.refuse_audit_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'app.audit_log is append-only (R14): % refused', tg_op
    using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_log_append_only
  before update or delete on app.audit_log
  for each row execute function app.refuse_audit_change();
create trigger audit_log_no_truncate
  before truncate on app.audit_log
  for each statement execute function app.refuse_audit_change();

-- The one writer. Definer: callable from definer RPCs and triggers, never by an API role.
create function app.audit(
  p_entity text,
  p_entity_id uuid,
  p_action text,
  p_region_code text,
  p_state_from text default null,
  p_state_to text default null,
  p_work_order_id uuid default null,
  p_note text default null,
  p_due_on date default null,
  p_detail jsonb default '{}'
)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, note, due_on, detail, region_code)
  values (auth.uid(), coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', session_user),
          p_entity, p_entity_id, p_work_order_id, p_action, p_state_from, p_state_to, p_note, p_due_on, coalesce(p_detail, '{}'), p_region_code);
$$;
revoke execute on function app.audit(text, uuid, text, text, text, text, uuid, text, date, jsonb) from public, anon, authenticated, service_role;

-- A rating's validity is its only state (R11: an approved appeal makes it invalid). Definer,
-- so the row is written whoever changed the rating.
create function app.audit_rating_validity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, action, state_from, state_to, region_code)
  select auth.uid(), coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', session_user),
         'rating', n.id, 'validity_changed', o.validity, n.validity, n.region_code
  from new_rows n join old_rows o on o.id = n.id
  where n.validity is distinct from o.validity;
  return null;
end;
$$;
create trigger ratings_audit_validity
  after update on app.ratings
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.audit_rating_validity();
