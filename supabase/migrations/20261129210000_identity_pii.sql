-- Identity at rest (issue 3, R13): a person's name, phone and ID number are stored only
-- encrypted (pgcrypto pgp_sym_encrypt, AES-256), with keyed HMAC-SHA256 "blind indexes" of
-- the ID number and phone so that a person can be matched without decrypting anything.
-- Only masked display values (张*, 138****5678) live in app.users.
--
-- Where the key lives. It never sits in an ordinary table:
--   * On a Supabase project (hosted or self-hosted on 政务云) it is the Vault secret
--     `hcp_pii_key`. Vault keeps secrets encrypted with a root key held outside the database
--     tables; this migration creates the secret with 32 random bytes when Vault exists and the
--     secret does not, so `supabase db push` needs no manual step. Rotating it means re-encrypting.
--   * Where Vault is absent (the local stack: embedded PostgreSQL ships no vault) it is the
--     database setting `app.settings.pii_key`, which the stack's migrate step sets
--     (`alter database … set`) from .local/keys/pii.key before migrations and seed run.
-- Two working keys are derived from that master secret by HMAC (one to encrypt, one for the
-- blind indexes), so an index never reveals anything about the encryption key.
-- Every function here is executable by no API role: only definer functions owned by the
-- migration role (later migrations) call them.

create extension if not exists pgcrypto with schema extensions;

do $$
declare
  v_exists boolean;
begin
  if to_regprocedure('vault.create_secret(text, text, text)') is null then
    return;
  end if;
  execute 'select exists (select 1 from vault.secrets where name = $1)' into v_exists using 'hcp_pii_key';
  if not v_exists then
    execute 'select vault.create_secret($1, $2, $3)'
      using encode(extensions.gen_random_bytes(32), 'hex'), 'hcp_pii_key', '好差评: master key of the encrypted identity fields (app.user_identities)';
  end if;
exception when insufficient_privilege then
  raise warning 'cannot create the Vault secret hcp_pii_key (%); create it before the first real-name binding', sqlerrm;
end;
$$;

-- The master secret: Vault first, then the database setting. Missing → a loud error, never a
-- silent fallback key.
create function app.pii_master_key()
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_key text;
begin
  if to_regclass('vault.decrypted_secrets') is not null then
    execute 'select decrypted_secret from vault.decrypted_secrets where name = $1 limit 1' into v_key using 'hcp_pii_key';
  end if;
  v_key := coalesce(v_key, nullif(current_setting('app.settings.pii_key', true), ''));
  if v_key is null or length(v_key) < 32 then
    raise exception 'PII key is not configured: create the Vault secret hcp_pii_key or set app.settings.pii_key (>= 32 characters)'
      using errcode = '55000';
  end if;
  return v_key;
end;
$$;
comment on function app.pii_master_key() is 'Master secret of the identity encryption: Vault secret hcp_pii_key, else setting app.settings.pii_key (local stack). Never exposed.';
revoke execute on function app.pii_master_key() from public, anon, authenticated, service_role;

-- Working key for one purpose ('encrypt' or 'blind-index'), hex text.
create function app.pii_key(p_purpose text)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select encode(extensions.hmac(convert_to('hcp-pii:' || p_purpose, 'UTF8'), convert_to(app.pii_master_key(), 'UTF8'), 'sha256'), 'hex');
$$;
comment on function app.pii_key(text) is 'Derived working key (HMAC of the master secret by purpose). Never exposed.';
revoke execute on function app.pii_key(text) from public, anon, authenticated, service_role;

create function app.pii_encrypt(p_value text)
returns bytea
language sql
stable
security definer
set search_path = ''
as $$
  select case when p_value is null then null
    else extensions.pgp_sym_encrypt(p_value, app.pii_key('encrypt'), 'cipher-algo=aes256, compress-algo=0, s2k-mode=1') end;
$$;
-- s2k-mode=1 (salted, not iterated): the key is 256 random bits, not a password, so iterated
-- stretching would only cost time (measured: 741 encryptions 1066 ms iterated vs 8 ms).
-- compress-algo=0: compression would let ciphertext length leak content.
comment on function app.pii_encrypt(text) is 'pgp_sym_encrypt (AES-256, salted S2K) with the derived encryption key; null stays null.';
revoke execute on function app.pii_encrypt(text) from public, anon, authenticated, service_role;

create function app.pii_decrypt(p_value bytea)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case when p_value is null then null else extensions.pgp_sym_decrypt(p_value, app.pii_key('encrypt')) end;
$$;
comment on function app.pii_decrypt(bytea) is 'Inverse of app.pii_encrypt. Executable by no API role.';
revoke execute on function app.pii_decrypt(bytea) from public, anon, authenticated, service_role;

-- The canonical form a value is matched by: ID numbers upper-case without spaces, phones as
-- the 11 digits of a mainland mobile number (a leading +86 / 86 dropped).
create function app.pii_normalize(p_kind text, p_value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case p_kind
    when 'id_number' then upper(regexp_replace(p_value, '\s', '', 'g'))
    when 'phone' then regexp_replace(regexp_replace(p_value, '\D', '', 'g'), '^86(1\d{10})$', '\1')
    else null end;
$$;
comment on function app.pii_normalize(text, text) is 'Canonical form of an ID number or phone before indexing.';
revoke execute on function app.pii_normalize(text, text) from public, anon, authenticated, service_role;

create function app.pii_blind_index(p_kind text, p_value text)
returns bytea
language sql
stable
security definer
set search_path = ''
as $$
  select case when nullif(p_value, '') is null then null
    else extensions.hmac(convert_to(p_kind || ':' || app.pii_normalize(p_kind, p_value), 'UTF8'), convert_to(app.pii_key('blind-index'), 'UTF8'), 'sha256') end;
$$;
comment on function app.pii_blind_index(text, text) is 'Keyed HMAC-SHA256 of the normalized value, prefixed by its kind: equal values match, nothing else can be learned.';
revoke execute on function app.pii_blind_index(text, text) from public, anon, authenticated, service_role;

-- Display masks (R13): 张* / 李*梅 / 欧**娜; 138****5678.
create function app.mask_name(p_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_name is null or btrim(p_name) = '' then ''
    when char_length(btrim(p_name)) = 1 then '*'
    when char_length(btrim(p_name)) = 2 then left(btrim(p_name), 1) || '*'
    else left(btrim(p_name), 1) || repeat('*', char_length(btrim(p_name)) - 2) || right(btrim(p_name), 1) end;
$$;
comment on function app.mask_name(text) is 'Masked display name: first character, stars, and the last character from three characters on.';
revoke execute on function app.mask_name(text) from public, anon, authenticated;

create function app.mask_phone(p_phone text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_phone is null or app.pii_normalize('phone', p_phone) !~ '^\d{7,}$' then ''
    else left(app.pii_normalize('phone', p_phone), 3) || '****' || right(app.pii_normalize('phone', p_phone), 4) end;
$$;
comment on function app.mask_phone(text) is 'Masked phone: first 3 and last 4 digits (138****5678); empty when there is none.';
revoke execute on function app.mask_phone(text) from public, anon, authenticated;

-- One person = one row of app.users. When a person who already exists (e.g. created as the
-- applicant of a 办件, or logged in through Alipay) binds the same ID number from another
-- account, that account is merged into the existing row: its platform links move there and
-- the emptied row points at the survivor.
alter table app.users add column merged_into uuid references app.users (id);
comment on column app.users.merged_into is 'Set when this account was merged into the row of the same person (same ID number); its logins now reach that row.';
create index users_merged_into_idx on app.users (merged_into);

create table app.user_identities (
  user_id uuid primary key references app.users (id) on delete cascade,
  name_enc bytea not null,
  id_number_enc bytea not null,
  phone_enc bytea,
  id_number_bidx bytea not null unique,
  phone_bidx bytea,
  source text not null check (source in ('provincial_idp', 'business_system')),
  updated_at timestamptz not null default now()
);
comment on table app.user_identities is 'Encrypted identity of a person (R13). No API role has any grant; only definer functions read or write it.';
comment on column app.user_identities.name_enc is 'Real name, app.pii_encrypt.';
comment on column app.user_identities.id_number_enc is '居民身份证号码, app.pii_encrypt.';
comment on column app.user_identities.phone_enc is 'Mobile number, app.pii_encrypt; null when the identity platform gave none.';
comment on column app.user_identities.id_number_bidx is 'Blind index of the ID number (app.pii_blind_index): one row per person.';
comment on column app.user_identities.phone_bidx is 'Blind index of the phone, for matching.';
comment on column app.user_identities.source is 'provincial_idp: verified by the provincial identity platform (实名); business_system: given by a business system for a 办件 applicant.';
create index user_identities_phone_bidx_idx on app.user_identities (phone_bidx);
alter table app.user_identities enable row level security;
-- The service role bypasses RLS but holds no grant; the policy only documents that nobody else may.
create policy user_identities_select on app.user_identities for select to service_role using (true);
revoke all on app.user_identities from public, anon, authenticated, service_role;

-- Stores (or replaces) a person's identity and refreshes the masked display values.
create function app.store_identity(p_user_id uuid, p_name text, p_id_number text, p_phone text, p_source text, p_now timestamptz default now())
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into app.user_identities as i (user_id, name_enc, id_number_enc, phone_enc, id_number_bidx, phone_bidx, source, updated_at)
  values (p_user_id, app.pii_encrypt(btrim(p_name)), app.pii_encrypt(app.pii_normalize('id_number', p_id_number)),
          app.pii_encrypt(app.pii_normalize('phone', nullif(p_phone, ''))),
          app.pii_blind_index('id_number', p_id_number), app.pii_blind_index('phone', p_phone), p_source, p_now)
  on conflict (user_id) do update set
    name_enc = excluded.name_enc, id_number_enc = excluded.id_number_enc, phone_enc = excluded.phone_enc,
    id_number_bidx = excluded.id_number_bidx, phone_bidx = excluded.phone_bidx,
    source = case when i.source = 'provincial_idp' then i.source else excluded.source end,
    updated_at = excluded.updated_at;
  update app.users set masked_name = app.mask_name(p_name), masked_phone = app.mask_phone(p_phone) where id = p_user_id;
end;
$$;
comment on function app.store_identity(uuid, text, text, text, text, timestamptz) is 'Encrypts and stores a person''s identity, with blind indexes and masked display values. Executable by no API role.';
revoke execute on function app.store_identity(uuid, text, text, text, text, timestamptz) from public, anon, authenticated, service_role;

-- The person with this ID number (following merges), for definer functions that match
-- 办件 applicants; null when unknown.
create function app.user_id_by_id_number(p_id_number text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(u.merged_into, u.id)
  from app.user_identities i join app.users u on u.id = i.user_id
  where i.id_number_bidx = app.pii_blind_index('id_number', p_id_number);
$$;
comment on function app.user_id_by_id_number(text) is 'Blind-index lookup of a person by ID number. Executable by no API role.';
revoke execute on function app.user_id_by_id_number(text) from public, anon, authenticated, service_role;

-- Decrypted identity, for operators with the migration role (no API role can call it).
create function app.user_identity_plain(p_user_id uuid)
returns table (name text, id_number text, phone text)
language sql
stable
security definer
set search_path = ''
as $$
  select app.pii_decrypt(name_enc), app.pii_decrypt(id_number_enc), app.pii_decrypt(phone_enc)
  from app.user_identities where user_id = p_user_id;
$$;
comment on function app.user_identity_plain(uuid) is 'Decrypts one person''s identity. Executable by no API role; not reachable through PostgREST.';
revoke execute on function app.user_identity_plain(uuid) from public, anon, authenticated, service_role;

-- The masked contact of a rater (R13), for the 差评 handler's reveal: executable by no API
-- role, only through definer functions that check who may see it and write the audit log.
create function app.user_masked_contact(p_user_id uuid)
returns table (masked_name text, masked_phone text)
language sql
stable
security definer
set search_path = ''
as $$
  select s.masked_name, s.masked_phone
  from app.users u join app.users s on s.id = coalesce(u.merged_into, u.id)
  where u.id = p_user_id;
$$;
comment on function app.user_masked_contact(uuid) is 'Masked name and phone of a user (following a merge), e.g. 张* / 138****5678. Executable by no API role.';
revoke execute on function app.user_masked_contact(uuid) from public, anon, authenticated, service_role;
