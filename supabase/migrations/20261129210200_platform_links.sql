-- WeChat and Alipay logins (SPEC §4): one person, one row in app.users, reached from any of
-- their platform accounts. A WeChat openid is per mini-program (appid); the unionid is the
-- same across the apps of one WeChat open-platform account, so a known unionid leads a new
-- openid to the person who already has it. Alipay gives a user_id (2088…) or, for newer apps,
-- an open_id per app; either is the subject.

create table app.user_platform_links (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.users (id),
  platform text not null check (platform in ('wechat', 'alipay')),
  app_id text not null check (app_id <> ''),
  subject text not null check (subject <> ''),
  unionid text,
  created_at timestamptz not null default now(),
  last_login_at timestamptz not null default now(),
  unique (platform, app_id, subject)
);
comment on table app.user_platform_links is 'Platform accounts of a person: WeChat openid (+ unionid), Alipay user_id / open_id. No API role has a grant.';
comment on column app.user_platform_links.app_id is 'The mini-program''s appid (WeChat) or app_id (Alipay) the subject belongs to.';
comment on column app.user_platform_links.subject is 'WeChat openid; Alipay open_id, or user_id (2088…) for apps that still receive it.';
comment on column app.user_platform_links.unionid is 'WeChat unionid when the platform gave one (kept, never cleared by a later login without it).';
create index user_platform_links_user_id_idx on app.user_platform_links (user_id);
create index user_platform_links_unionid_idx on app.user_platform_links (unionid) where unionid is not null;
alter table app.user_platform_links enable row level security;
create policy user_platform_links_select on app.user_platform_links for select to service_role using (true);
revoke all on app.user_platform_links from public, anon, authenticated, service_role;

-- auth-wechat / auth-alipay after the platform vouched for the subject: finds the person (by
-- the link, else by unionid), creates them on a first login, and starts a refresh-token family.
create function public.platform_login(
  p_platform text,
  p_app_id text,
  p_subject text,
  p_unionid text default null,
  p_now timestamptz default now()
)
returns table (user_id uuid, masked_name text, realname_verified boolean, refresh_token text, refresh_expires_at timestamptz, is_new boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_link app.user_platform_links;
  v_user_id uuid;
  v_new boolean := false;
  v_unionid text := nullif(btrim(p_unionid), '');
  v_user app.users;
begin
  if p_platform is null or p_platform not in ('wechat', 'alipay') then
    perform app.raise_error('invalid_input', 'p_platform');
  end if;
  if nullif(btrim(p_app_id), '') is null then
    perform app.raise_error('invalid_input', 'p_app_id');
  end if;
  if nullif(btrim(p_subject), '') is null or length(p_subject) > 128 then
    perform app.raise_error('invalid_input', 'p_subject');
  end if;
  -- Two first logins of one account at once must not create two people.
  perform pg_advisory_xact_lock(hashtext('platform_login:' || p_platform || ':' || p_app_id || ':' || p_subject));

  select * into v_link from app.user_platform_links l
  where l.platform = p_platform and l.app_id = p_app_id and l.subject = p_subject;
  if found then
    v_user_id := v_link.user_id;
    update app.user_platform_links l
    set last_login_at = p_now, unionid = coalesce(v_unionid, l.unionid)
    where l.id = v_link.id;
  else
    if p_platform = 'wechat' and v_unionid is not null then
      select l.user_id into v_user_id from app.user_platform_links l
      where l.platform = 'wechat' and l.unionid = v_unionid
      order by l.created_at limit 1;
    end if;
    if v_user_id is null then
      insert into app.users (masked_name)
      values (case p_platform when 'wechat' then '微信用户' else '支付宝用户' end)
      returning id into v_user_id;
      v_new := true;
    end if;
    insert into app.user_platform_links (user_id, platform, app_id, subject, unionid, created_at, last_login_at)
    values (v_user_id, p_platform, p_app_id, p_subject, v_unionid, p_now, p_now);
  end if;

  select * into v_user from app.users u where u.id = v_user_id;
  if v_user.merged_into is not null then
    -- Links move on a merge; one left behind still reaches the person.
    select * into v_user from app.users u where u.id = v_user.merged_into;
  end if;
  return query
    select v_user.id, v_user.masked_name, v_user.realname_verified_at is not null, t.refresh_token, t.refresh_expires_at, v_new
    from app.issue_refresh_token(v_user.id, null, p_now) t;
end;
$$;
comment on function public.platform_login(text, text, text, text, timestamptz) is
  'auth-wechat / auth-alipay: find or create the person of a platform account (unionid kept) and start a refresh-token family. Service role only.';
revoke execute on function public.platform_login(text, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.platform_login(text, text, text, text, timestamptz) to service_role;
