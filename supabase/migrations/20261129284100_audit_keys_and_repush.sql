-- R14 audit, two gaps closed: creating and revoking an ingestion key (业务系统 / 评价器 secrets:
-- whoever holds one can push 办件 or ratings for a region) and a supervisor's manual re-push of a
-- message to the provincial platform were recorded only on their own rows (created_by,
-- revoked_by, repushed_by), which the next change overwrites. Triggers write them to the
-- append-only audit log whatever path made the change.

alter table app.audit_log drop constraint audit_log_entity_check;
alter table app.audit_log add constraint audit_log_entity_check
  check (entity in ('rating', 'work_order', 'appeal', 'rater_contact', 'admin', 'comment', 'comment_contact', 'ingest_key', 'upstream'));

-- A key's life: created (active), revoked. Never the secret.
create function app.audit_ingest_key()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- Business systems have no kind column; a record field cannot be named conditionally in plpgsql.
  v_kind text := coalesce(to_jsonb(new) ->> 'kind', 'business_system');
begin
  if tg_op = 'INSERT' then
    perform app.audit('ingest_key', new.id, 'key_created', new.region_code, null, new.status, null, null, null,
                      jsonb_build_object('key_id', new.key_id, 'kind', v_kind, 'name', new.name));
  elsif new.status is distinct from old.status then
    perform app.audit('ingest_key', new.id, 'key_revoked', new.region_code, old.status, new.status, null, null, null,
                      jsonb_build_object('key_id', new.key_id, 'kind', v_kind, 'name', new.name));
  end if;
  return null;
end;
$$;
comment on function app.audit_ingest_key() is 'R14: writes the creation and the revocation of a business system''s or device''s key to the audit log (key id, kind, name; never the secret).';
revoke execute on function app.audit_ingest_key() from public, anon, authenticated, service_role;

create trigger business_systems_audit
  after insert or update of status on app.business_systems
  for each row execute function app.audit_ingest_key();
create trigger rating_devices_audit
  after insert or update of status on app.rating_devices
  for each row execute function app.audit_ingest_key();

-- A re-push puts a dead (or delivered) message back in the queue: recorded against the rating.
-- The WHEN clause keeps the delivery path (claims and results, thousands of rows) trigger-free.
create function app.audit_upstream_repush()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform app.audit('upstream', new.rating_id, 'repushed', new.region_code, old.status, new.status, null, null, null,
                    jsonb_build_object('outbox_id', new.id, 'repush_count', new.repush_count, 'last_error', old.last_error));
  return null;
end;
$$;
comment on function app.audit_upstream_repush() is 'R14/R16: writes a supervisor''s manual re-push of a provincial message to the audit log (against the rating; the message id and the error it had).';
revoke execute on function app.audit_upstream_repush() from public, anon, authenticated, service_role;

create trigger upstream_outbox_audit_repush
  after update of repush_count on app.upstream_outbox
  for each row when (new.repush_count is distinct from old.repush_count)
  execute function app.audit_upstream_repush();
