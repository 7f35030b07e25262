-- The platform extensions the system needs, enabled explicitly (issue 14.2). Earlier migrations
-- scheduled jobs and created the PII key only `if` pg_cron / Vault happened to be there, so a
-- fresh project got no jobs and no key while `db push` reported success. From here on a missing
-- prerequisite stops the push with what to do.
--
--   pgcrypto        encryption of identities (AES-256) and the blind indexes
--   pg_cron         the schedule (20261204050200_one_schedule.sql)
--   pg_net          scheduled calls of the functions (report-upstream, send-reminders)
--   supabase_vault  the PII key, the functions' URL and the scheduler secret
--
-- On Supabase (hosted, or self-hosted supabase/postgres) the non-superuser `postgres` role may
-- create all four: supautils lets it create the "privileged" extensions as the superuser.
-- Where an extension is not installed on the server at all, a stand-in with the real schema and
-- signatures must already be there (the local stack and the rehearsal clusters install them as
-- the platform, scripts/stack/platform/*.sql); otherwise the push fails here.

create extension if not exists pgcrypto with schema extensions;

do $$
declare
  v_need record;
begin
  for v_need in
    select * from (values
      ('pg_cron', 'pg_catalog', 'cron.schedule(text, text, text)'),
      ('pg_net', 'extensions', 'net.http_post(text, jsonb, jsonb, jsonb, integer)'),
      ('supabase_vault', 'vault', 'vault.create_secret(text, text, text, uuid)')
    ) as t(extname, extschema, probe)
  loop
    if not exists (select from pg_extension where extname = v_need.extname)
       and exists (select from pg_available_extensions where name = v_need.extname) then
      begin
        execute format('create extension if not exists %I with schema %I', v_need.extname, v_need.extschema);
      exception when insufficient_privilege then
        raise exception '% cannot be enabled by %: %', v_need.extname, current_user, sqlerrm
          using hint = format('Enable %s once as the platform allows (Supabase dashboard → Database → Extensions, or as supabase_admin: create extension %s with schema %s;), then push again.',
                              v_need.extname, v_need.extname, v_need.extschema);
      end;
    end if;
    if to_regprocedure(v_need.probe) is null then
      raise exception 'this system needs % (%), which this database does not have', v_need.extname, v_need.probe
        using hint = format('Use Supabase (hosted, or self-hosted supabase/postgres 15+), where %s is available, or install it on this server; then push again.', v_need.extname);
    end if;
  end loop;
  if to_regclass('vault.decrypted_secrets') is null then
    raise exception 'supabase_vault is incomplete: vault.decrypted_secrets is missing'
      using hint = 'Reinstall the supabase_vault extension, then push again.';
  end if;
end;
$$;
