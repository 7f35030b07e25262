-- The shared pieces of the 综合点评 RPCs: one row shape for every listing and action result
-- (shared/comments.ts CommentRow, with no author and no contact in clear), and the check
-- that the caller supervises a region, resolving "no region given" to the widest one.

create function app.comment_rows(p_ids uuid[])
returns table (
  id uuid,
  kind text,
  source text,
  content text,
  status text,
  region_code text,
  region_name text,
  unit_id uuid,
  unit_name text,
  contact_masked text,
  reply text,
  replied_at timestamptz,
  routed_at timestamptz,
  close_note text,
  closed_at timestamptz,
  received_at timestamptz,
  created_at timestamptz
)
language sql
stable
set search_path = ''
as $$
  select c.id, c.kind, c.source, c.content, c.status, c.region_code, r.name, c.unit_id, u.name, c.contact_masked,
         c.reply, c.replied_at, c.routed_at, c.close_note, c.closed_at, c.received_at, c.created_at
  from app.comments c
  join app.regions r on r.code = c.region_code
  left join app.units u on u.id = c.unit_id
  where c.id = any (p_ids)
  order by c.received_at desc, c.id;
$$;
comment on function app.comment_rows(uuid[]) is 'Comments by id in the one shape the API returns (never the author, never the contact in clear). Callers decide which ids the caller may see.';
revoke execute on function app.comment_rows(uuid[]) from public;

-- Whether the caller supervises a region (the scope of their supervisor role covers it).
create function app.supervises(p_region_code text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select p_region_code in (select app.my_region_codes());
$$;
revoke execute on function app.supervises(text) from public;

-- The region a supervisor acts on: p_region_code if they oversee it, else (when null) the widest
-- region they supervise. Anyone who supervises nothing, or names a region outside their scope,
-- gets forbidden.
create function app.supervised_region(p_region_code text)
returns text
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function app.supervised_region(text) is 'The region a supervisor acts on (given, or their widest); forbidden otherwise.';
revoke execute on function app.supervised_region(text) from public;

-- Shared by the listings: a status filter is null or one of the four states.
create function app.check_comment_status(p_status text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_status is not null and p_status not in ('received', 'routed', 'replied', 'closed') then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
end;
$$;
revoke execute on function app.check_comment_status(text) from public;
