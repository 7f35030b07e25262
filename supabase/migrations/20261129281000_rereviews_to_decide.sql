-- R11 re-review queue (issue 7): the dismissed 差评 whose real-name rater asked for a re-review
-- and that nobody has decided yet, for the supervisors' 复核 desk. decide_rereview lets only a
-- supervisor whose scope is the city (or above) decide, and only for orders of regions under that
-- scope; a county supervisor sees the requests of their own county read-only (can_decide false),
-- so they know what the city is deciding about their units. Everyone else: forbidden.
-- Each row carries the order, the rating (level, tags, comment), the unit, the approved appeal
-- that dismissed it and the rater's reason — never the rater's identity (R13).

create function public.rereviews_to_decide()
returns table (
  work_order_id uuid,
  status text,
  region_code text,
  region_name text,
  unit_id uuid,
  unit_name text,
  project_no text,
  matter_name text,
  window_name text,
  level smallint,
  tags text[],
  comment text,
  rated_at timestamptz,
  appeal_id uuid,
  appeal_reason text,
  appeal_statement text,
  appeal_evidence uuid[],
  appeal_decision_note text,
  appeal_decided_at timestamptz,
  rereview_reason text,
  rereview_requested_at timestamptz,
  can_decide boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  -- The same test decide_rereview makes before anything else.
  v_city boolean := exists (
    select 1 from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor' and r.level in ('city', 'province')
  );
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  return query
  select w.id, w.status, w.region_code, g.name, w.unit_id, u.name, t.project_no, m.name, wi.name,
         r.level, r.tags, r.comment, r.rated_at,
         a.id, a.reason, a.statement, a.evidence, a.decision_note, a.decided_at,
         w.rereview_reason, w.rereview_requested_at, v_city
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = w.unit_id
  join app.regions g on g.code = w.region_code
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  left join app.windows wi on wi.id = w.window_id
  left join lateral (
    select ap.* from app.appeals ap where ap.work_order_id = w.id and ap.status = 'approved'
    order by ap.decided_at desc nulls last limit 1
  ) a on true
  where w.rereview_requested_at is not null
    and w.rereview_decided_at is null
    and w.region_code in (select app.my_region_codes())
  order by w.rereview_requested_at, w.id;
end;
$$;
comment on function public.rereviews_to_decide() is
  'R11: pending re-review requests of the caller''s regions, oldest first, with the rating, the unit and the approved appeal; can_decide = the caller is a city-level supervisor (decide_rereview''s own test). County supervisors read only; non-supervisors forbidden. Never the rater''s identity.';

revoke execute on function public.rereviews_to_decide() from public, anon;
grant execute on function public.rereviews_to_decide() to authenticated;
