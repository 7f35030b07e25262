-- The daily identity purge also forgets 实名认证 nonces (20261204020000) a day after they expired;
-- an expired nonce is refused anyway, the day only keeps recent ones for inspection. The answer
-- keeps its columns (the job's callers read them).
create or replace function public.purge_identity_tokens(p_now timestamptz default now())
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
  delete from app.realname_nonces n where n.expires_at < p_now - interval '1 day';
  return query select v_tokens, v_tickets;
end;
$$;
comment on function public.purge_identity_tokens(timestamptz) is
  'Job: deletes refresh tokens 30 days after they expired or were revoked, used ticket ids once their ticket expired, and 实名认证 nonces a day after they expired. Service role only.';
