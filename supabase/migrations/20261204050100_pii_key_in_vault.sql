-- The PII key lives in Vault, created by the migrations (issue 14.2). 20261129210000 probed
-- vault.create_secret(text, text, text), a signature Vault does not have (it takes a fourth
-- argument, new_key_id uuid, all but the first with defaults), so on a real project the key was
-- never created and real-name binding and 办件 intake failed on their first call. This creates it
-- through Vault's real signature (named arguments) when it is absent: 32 random bytes, never
-- shown to anybody; rotating it means re-encrypting app.user_identities and the encrypted columns.
do $$
begin
  if not exists (select from vault.secrets where name = 'hcp_pii_key') then
    perform vault.create_secret(
      new_secret := encode(extensions.gen_random_bytes(32), 'hex'),
      new_name := 'hcp_pii_key',
      new_description := '好差评: master key of the encrypted identity fields (app.user_identities and encrypted columns)');
  end if;
end;
$$;

-- The master secret comes from Vault only: the database-setting fallback (app.settings.pii_key)
-- served the local stack before it had a Vault stand-in. One place for the key everywhere.
create or replace function app.pii_master_key()
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_key text;
begin
  select s.decrypted_secret into v_key from vault.decrypted_secrets s where s.name = 'hcp_pii_key' limit 1;
  if v_key is null or length(v_key) < 32 then
    raise exception 'PII key is not configured: the Vault secret hcp_pii_key is missing or shorter than 32 characters'
      using errcode = '55000';
  end if;
  return v_key;
end;
$$;
comment on function app.pii_master_key() is 'Master secret of the identity encryption: the Vault secret hcp_pii_key. Never exposed.';
revoke execute on function app.pii_master_key() from public, anon, authenticated, service_role;
