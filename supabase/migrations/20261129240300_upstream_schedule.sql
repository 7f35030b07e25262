-- R16 "in real time": production runs report-upstream every minute with pg_cron + pg_net, the
-- way Supabase schedules edge functions: the project URL and the service role key come from
-- Vault secrets `project_url` and `service_role_key` (create them once per project:
--   select vault.create_secret('https://<ref>.supabase.co', 'project_url');
--   select vault.create_secret('<service role key>', 'service_role_key');).
-- Where pg_cron or pg_net is absent (the local stack) nothing is scheduled here: the local
-- stack's scheduler posts to the function instead.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron')
     and exists (select 1 from pg_extension where extname = 'pg_net') then
    perform cron.schedule('report-upstream', '* * * * *', $job$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/report-upstream',
        headers := jsonb_build_object(
          'content-type', 'application/json',
          'authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := '{}'::jsonb,
        timeout_milliseconds := 120000)
    $job$);
  end if;
end;
$$;
