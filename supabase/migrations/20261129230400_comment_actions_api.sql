-- 综合点评 actions (R18): a supervisor routes (or re-routes) a comment to a unit of their region,
-- the unit answers it, a supervisor closes it. Each action locks the comment, checks role and
-- scope, then the state: received → routed → replied → closed (also routed → routed to another
-- unit, and received → closed with a reason for duplicates and the like); anything else is
-- comment_invalid_transition. Contact reveals are supervisors' only and are logged.

create function public.route_comment(p_comment_id uuid, p_unit_id uuid, p_note text default null)
returns table (
  id uuid, kind text, source text, content text, status text, region_code text, region_name text,
  unit_id uuid, unit_name text, contact_masked text, reply text, replied_at timestamptz,
  routed_at timestamptz, close_note text, closed_at timestamptz, received_at timestamptz, created_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.route_comment(uuid, uuid, text) is
  'R18: a supervisor of the comment''s region sends it to a unit of their region (received → routed, or routed → routed to another unit before it is answered).';

create function public.reply_comment(p_comment_id uuid, p_reply text)
returns table (
  id uuid, kind text, source text, content text, status text, region_code text, region_name text,
  unit_id uuid, unit_name text, contact_masked text, reply text, replied_at timestamptz,
  routed_at timestamptz, close_note text, closed_at timestamptz, received_at timestamptz, created_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.reply_comment(uuid, text) is 'R18: staff or the unit admin of the unit a comment is routed to answer it (routed → replied). The author reads the reply in my_comments.';

create function public.close_comment(p_comment_id uuid, p_note text default null)
returns table (
  id uuid, kind text, source text, content text, status text, region_code text, region_name text,
  unit_id uuid, unit_name text, contact_masked text, reply text, replied_at timestamptz,
  routed_at timestamptz, close_note text, closed_at timestamptz, received_at timestamptz, created_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.close_comment(uuid, text) is 'R18: a supervisor of the comment''s region closes it once answered (replied → closed), or unanswered with a reason (received → closed).';

create function public.reveal_comment_contact(p_comment_id uuid)
returns table (contact text, contact_masked text)
language plpgsql
security definer
set search_path = ''
as $$
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
  if v_c.contact is not null then
    perform app.log_comment_event(v_c.id, 'contact_revealed', v_c.status, v_c.status, null, null);
  end if;
  return query select v_c.contact, v_c.contact_masked;
end;
$$;
comment on function public.reveal_comment_contact(uuid) is 'R13/R18: the contact a person left, in clear, to a supervisor of the comment''s region (to call back); every reveal is logged.';

create function public.comment_history(p_comment_id uuid)
returns table (at timestamptz, event text, status_from text, status_to text, unit_name text, note text)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.comment_history(uuid) is 'What happened to a comment, oldest first, for its author, the unit it is routed to and supervisors of its region. Never who acted.';

revoke execute on function
  public.route_comment(uuid, uuid, text), public.reply_comment(uuid, text), public.close_comment(uuid, text),
  public.reveal_comment_contact(uuid), public.comment_history(uuid)
from public, anon;
grant execute on function
  public.route_comment(uuid, uuid, text), public.reply_comment(uuid, text), public.close_comment(uuid, text),
  public.reveal_comment_contact(uuid), public.comment_history(uuid)
to authenticated;
