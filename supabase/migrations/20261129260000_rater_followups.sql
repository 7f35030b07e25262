-- Follow-ups of the rater's side once identity landed: the masked contact revealed to a 差评's
-- handler follows an account merge (app.user_masked_contact), and 我的评价 says whether each
-- comment may appear on the public 差评 board, so the rater can see and change it.

create or replace function public.reveal_rater_contact(p_work_order_id uuid)
returns table (masked_name text, masked_phone text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
begin
  if not v_wo.is_realname then
    perform app.raise_error('not_realname_rating');
  end if;
  if v_wo.handler_user_id is distinct from v_uid then
    perform app.raise_error('forbidden', 'only the assigned handler');
  end if;
  perform app.audit('rater_contact', v_wo.rating_id, 'revealed', v_wo.region_code, null, null, p_work_order_id);
  return query
  select c.masked_name, c.masked_phone
  from app.ratings r cross join lateral app.user_masked_contact(r.rater_user_id) c
  where r.id = v_wo.rating_id;
end;
$$;

drop function public.my_ratings();
create function public.my_ratings()
returns table (
  id uuid,
  transaction_id uuid,
  project_no text,
  matter_name text,
  unit_name text,
  window_name text,
  level smallint,
  tags text[],
  comment text,
  is_anonymous boolean,
  is_default boolean,
  assess_number smallint,
  validity text,
  rated_at timestamptz,
  work_order_id uuid,
  work_order_status text,
  comment_public boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select r.id, r.transaction_id, t.project_no, m.name, u.name, w.name, r.level, r.tags, r.comment,
         r.is_anonymous, r.is_default, r.assess_number, r.validity, r.rated_at, wo.id, wo.status, r.comment_public
  from app.ratings r
  join app.units u on u.id = r.unit_id
  left join app.transactions t on t.id = r.transaction_id
  left join app.matters m on m.id = r.matter_id
  left join app.windows w on w.id = r.window_id
  left join app.work_orders wo on wo.rating_id = r.id and wo.status <> 'rerouted'
  where r.rater_user_id = (select auth.uid())
     or (r.is_default and (t.applicant_user_id = (select auth.uid()) or t.agent_user_id = (select auth.uid())))
  order by r.rated_at desc;
$$;
comment on function public.my_ratings() is 'The caller''s ratings, and the defaults applied to their 办件 (R5), newest first, each 差评 with its work order''s state and whether its comment may be published.';
revoke execute on function public.my_ratings() from public, anon;
grant execute on function public.my_ratings() to authenticated;
