-- admin_revoke_role had no comment (the catalogue documents every public RPC).
comment on function public.admin_revoke_role(uuid) is
  'Revoke one role grant (staff / unit_admin of a unit, supervisor of a region) by its id, by whoever may grant it (app.require_role_manager), never a supervisor''s own supervisor role; audited (role_revoked). Unknown id: not_found.';
