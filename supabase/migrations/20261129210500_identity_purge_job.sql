-- Housekeeping of the login tables (data minimisation, PIPL Art. 19): refresh tokens are kept
-- 30 days past their expiry or revocation (long enough to see a reuse in the log), and the ids
-- of identity-platform tickets until the ticket itself has expired (an expired ticket is refused
-- on its expiry before its id is looked at, so forgetting the id cannot re-open a replay).

create function public.purge_identity_tokens(p_now timestamptz default now())
returns table (refresh_tokens_deleted int, tickets_deleted int)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_tokens int;
  v_tickets int;
begin
  delete from app.refresh_tokens t
  where coalesce(t.revoked_at, t.expires_at) < p_now - interval '30 days'
    and (t.revoked_at is not null or t.expires_at < p_now - interval '30 days');
  get diagnostics v_tokens = row_count;
  delete from app.realname_tickets k where k.expires_at < p_now;
  get diagnostics v_tickets = row_count;
  return query select v_tokens, v_tickets;
end;
$$;
comment on function public.purge_identity_tokens(timestamptz) is
  'Job: deletes refresh tokens 30 days after they expired or were revoked, and used ticket ids once their ticket expired. Service role only.';
revoke execute on function public.purge_identity_tokens(timestamptz) from public, anon, authenticated;
grant execute on function public.purge_identity_tokens(timestamptz) to service_role;

-- Production schedules it with pg_cron (daily, 03:30 Beijing time); locally it is run on demand.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('purge-identity-tokens', '30 19 * * *', 'select public.purge_identity_tokens()');
  end if;
end;
$$;
