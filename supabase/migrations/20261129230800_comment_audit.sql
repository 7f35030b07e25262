-- R14 for 综合点评: every state change of a comment and every reveal of the contact a person left
-- go to the shared append-only audit log too (entities comment, comment_contact), and the
-- comment's own history becomes append-only like it. app.log_comment_event stays the one
-- writer, so the RPCs are unchanged.

alter table app.audit_log drop constraint audit_log_entity_check;
alter table app.audit_log add constraint audit_log_entity_check
  check (entity in ('rating', 'work_order', 'appeal', 'rater_contact', 'admin', 'comment', 'comment_contact'));

-- The refusal names the table it protects, now that it guards more than one.
create or replace function app.refuse_audit_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%.% is append-only (R14): % refused', tg_table_schema, tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

create trigger comment_events_append_only
  before update or delete on app.comment_events
  for each row execute function app.refuse_audit_change();
create trigger comment_events_no_truncate
  before truncate on app.comment_events
  for each statement execute function app.refuse_audit_change();

create or replace function app.log_comment_event(p_comment_id uuid, p_event text, p_from text, p_to text, p_unit_id uuid, p_note text)
returns void
language sql
set search_path = ''
as $$
  insert into app.comment_events (comment_id, event, status_from, status_to, unit_id, actor_user_id, note)
  values (p_comment_id, p_event, p_from, p_to, p_unit_id, (select auth.uid()), p_note);
  select app.audit(case when p_event = 'contact_revealed' then 'comment_contact' else 'comment' end,
                   p_comment_id, p_event, c.region_code, p_from, p_to, null, null, null,
                   jsonb_build_object('unit_id', p_unit_id))
  from app.comments c where c.id = p_comment_id;
$$;
