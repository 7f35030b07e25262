-- 综合点评 intake and listings (R18, SPEC §5 submit_comment): citizens write into the
-- mini-program's 意见箱; supervisors record what came by hotline, supervision platform or e-mail;
-- each side lists what is theirs. A comment names a unit (the citizen's choice or the
-- supervisor's) and is then routed at once, or waits in the supervisors' inbox of its region.

create function public.submit_comment(
  p_kind text,
  p_content text,
  p_unit_id uuid default null,
  p_contact text default null
)
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

  insert into app.comments as c (kind, source, content, author_user_id, contact, contact_masked, region_code, unit_id,
                                 status, routed_at, updated_by)
  values (p_kind, 'suggestion_box', v_content, v_uid, v_contact, app.mask_contact(v_contact), v_region, p_unit_id,
          case when p_unit_id is null then 'received' else 'routed' end,
          case when p_unit_id is not null then now() end, v_uid)
  returning * into v_c;
  perform app.log_comment_event(v_c.id, 'submitted', null, 'received', null, null);
  if p_unit_id is not null then
    perform app.log_comment_event(v_c.id, 'routed', 'received', 'routed', p_unit_id, '群众选择的单位');
  end if;
  return query select * from app.comment_rows(array[v_c.id]);
end;
$$;
comment on function public.submit_comment(text, text, uuid, text) is
  'R18 意见箱: a signed-in person leaves a suggestion, complaint or praise (≤ 1000 chars), for a unit of their choice or none; contact optional, shown masked only.';

create function public.record_comment(
  p_source text,
  p_kind text,
  p_content text,
  p_region_code text default null,
  p_unit_id uuid default null,
  p_contact text default null,
  p_received_at timestamptz default null
)
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
  if p_received_at > now() then
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

  insert into app.comments as c (kind, source, content, contact, contact_masked, region_code, unit_id, status, routed_at,
                                 received_at, recorded_by, updated_by)
  values (p_kind, p_source, v_content, v_contact, app.mask_contact(v_contact), v_region, p_unit_id,
          case when p_unit_id is null then 'received' else 'routed' end,
          case when p_unit_id is not null then now() end, coalesce(p_received_at, now()), v_uid, v_uid)
  returning * into v_c;
  perform app.log_comment_event(v_c.id, 'recorded', null, 'received', null, null);
  if p_unit_id is not null then
    perform app.log_comment_event(v_c.id, 'routed', 'received', 'routed', p_unit_id, null);
  end if;
  return query select * from app.comment_rows(array[v_c.id]);
end;
$$;
comment on function public.record_comment(text, text, text, text, uuid, text, timestamptz) is
  'R18: a supervisor records a comment received by hotline, supervision platform or e-mail, for a region they oversee (or straight for a unit there).';

create function public.my_comments()
returns table (
  id uuid, kind text, source text, content text, status text, region_code text, region_name text,
  unit_id uuid, unit_name text, contact_masked text, reply text, replied_at timestamptz,
  routed_at timestamptz, close_note text, closed_at timestamptz, received_at timestamptz, created_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select * from app.comment_rows(array(select c.id from app.comments c where c.author_user_id = (select auth.uid())));
$$;
comment on function public.my_comments() is 'The caller''s own 意见箱 comments with the unit''s reply, newest first.';

create function public.unit_comments(p_status text default null)
returns table (
  id uuid, kind text, source text, content text, status text, region_code text, region_name text,
  unit_id uuid, unit_name text, contact_masked text, reply text, replied_at timestamptz,
  routed_at timestamptz, close_note text, closed_at timestamptz, received_at timestamptz, created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.unit_comments(text) is 'Comments routed to the caller''s units (staff and unit admins), by status; contact masked, no author.';

create function public.supervisor_comments(p_status text default null, p_region_code text default null)
returns table (
  id uuid, kind text, source text, content text, status text, region_code text, region_name text,
  unit_id uuid, unit_name text, contact_masked text, reply text, replied_at timestamptz,
  routed_at timestamptz, close_note text, closed_at timestamptz, received_at timestamptz, created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_region text;
begin
  perform app.check_comment_status(p_status);
  v_region := app.supervised_region(p_region_code);
  return query select * from app.comment_rows(array(
    select c.id from app.comments c
    where c.region_code in (select app.region_and_below(v_region)) and (p_status is null or c.status = p_status)));
end;
$$;
comment on function public.supervisor_comments(text, text) is 'The supervisors'' inbox: comments of a region they oversee (default: their widest) and the regions below it, by status.';

revoke execute on function
  public.submit_comment(text, text, uuid, text), public.record_comment(text, text, text, text, uuid, text, timestamptz),
  public.my_comments(), public.unit_comments(text), public.supervisor_comments(text, text)
from public, anon;
grant execute on function
  public.submit_comment(text, text, uuid, text), public.record_comment(text, text, text, text, uuid, text, timestamptz),
  public.my_comments(), public.unit_comments(text), public.supervisor_comments(text, text)
to authenticated;
