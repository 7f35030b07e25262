-- R13 "identity fields are encrypted at rest, contacts left with comments included" (issue 13
-- point 3): the contact a person leaves with a 综合点评 was kept in clear in app.comments.contact.
-- It is now stored only as app.pii_encrypt(contact) (pgcrypto, AES-256, the PII key of
-- 20261129210000_identity_pii.sql: Vault secret hcp_pii_key, locally app.settings.pii_key), like
-- names, phones and ID numbers in app.user_identities. Existing rows are encrypted here and the
-- clear column is dropped, so a copy of the table (a dump, the service role's grant, a backup)
-- holds no contact. contact_masked stays for everyone's display.
--
-- The one reader is reveal_comment_contact (supervisors of the comment's region, every reveal
-- audited): it decrypts. submit_comment and record_comment encrypt on the way in. Nothing else
-- decrypts: app.pii_decrypt is executable by no API role.

alter table app.comments add column contact_enc bytea;
comment on column app.comments.contact_enc is
  'Contact left by the person (phone, e-mail, name), app.pii_encrypt: identity (R13). Decrypted only by reveal_comment_contact (supervisors, audited); never returned otherwise.';

update app.comments set contact_enc = app.pii_encrypt(contact) where contact is not null;

alter table app.comments drop column contact;
comment on column app.comments.contact_masked is 'app.mask_contact of the contact, the only form of it anyone but a supervisor revealing it sees.';

create or replace function public.submit_comment(
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
$$;
comment on function public.submit_comment(text, text, uuid, text) is
  'R18 意见箱: a signed-in person leaves a suggestion, complaint or praise (≤ 1000 chars), for a unit of their choice or none; contact optional, stored encrypted, shown masked only.';

create or replace function public.record_comment(
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
$$;
comment on function public.record_comment(text, text, text, text, uuid, text, timestamptz) is
  'R18: a supervisor records a comment received by hotline, supervision platform or e-mail, for a region they oversee (or straight for a unit there); the contact is stored encrypted.';

-- Same contract as before: (contact in clear, contact_masked), a supervisor of the comment's
-- region only, every reveal of an existing contact audited (comment_contact / contact_revealed).
create or replace function public.reveal_comment_contact(p_comment_id uuid)
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
  if v_c.contact_enc is not null then
    perform app.log_comment_event(v_c.id, 'contact_revealed', v_c.status, v_c.status, null, null);
  end if;
  return query select app.pii_decrypt(v_c.contact_enc), v_c.contact_masked;
end;
$$;
comment on function public.reveal_comment_contact(uuid) is
  'R13/R18: the contact a person left, decrypted, to a supervisor of the comment''s region (to call back); every reveal is logged. The only reader of app.comments.contact_enc.';
