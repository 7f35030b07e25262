/**
 * The explicit access map of the API (issue 20): every function of `public` and every view, with
 * who holds EXECUTE / SELECT on it. access-matrix.test.ts reads the catalogue and fails when a
 * function or view is missing here (or listed here but gone), when its grants differ from this
 * map, and when a caller outside it is not refused through PostgREST.
 *   anon    — anyone, without logging in (and every signed-in user, and the service role);
 *   user    — signed-in users (and the service role, for whom user RPCs answer for nobody); which
 *             of them the function then serves is its own rule (READ_EXPECTATIONS below and the
 *             area tests);
 *   service — the service role alone: jobs, and what the edge functions ask on a caller's behalf.
 */
export type Grant = 'anon' | 'user' | 'service';

export const FUNCTION_ACCESS: Record<string, Grant> = {
  // Anyone, without logging in (R15 publication, the QR landing page, the calendar)
  add_working_days: 'anon',
  public_bad_review_board: 'anon',
  public_results: 'anon',
  published_periods: 'anon',
  window_info: 'anon',
  working_deadline: 'anon',
  // Citizens (every signed-in user; each answers about the caller alone)
  my_comments: 'user',
  my_pending_ratings: 'user',
  my_ratings: 'user',
  my_subscriptions: 'user',
  // The home tile's count (issue 21.2): counts of the caller's own units only, 0 and 0 for anyone else
  my_urgent_count: 'user',
  rate_rectification: 'user',
  realname_nonce: 'user',
  record_subscriptions: 'user',
  request_rereview: 'user',
  set_comment_public: 'user',
  submit_comment: 'user',
  submit_rating: 'user',
  submit_visit_rating: 'user',
  whoami: 'user',
  // Units: staff and unit admins (the 差评 loop, 本单位评价, 意见箱)
  assign_work_order: 'user',
  evidence_file: 'user',
  extend_work_order: 'user',
  record_return_visit: 'user',
  rectify_work_order: 'user',
  reply_comment: 'user',
  reply_work_order: 'user',
  reveal_rater_contact: 'user',
  submit_appeal: 'user',
  unit_comments: 'user',
  unit_ratings: 'user',
  unit_work_orders: 'user',
  upload_evidence: 'user',
  verify_work_order: 'user',
  work_order_handlers: 'user',
  work_order_timeline: 'user',
  // Supervisors (监督台)
  appeals_to_review: 'user',
  close_comment: 'user',
  comment_history: 'user',
  decide_rereview: 'user',
  export_ratings: 'user',
  export_work_orders: 'user',
  key_supervision_list: 'user',
  overdue_work_orders: 'user',
  publish_results: 'user',
  record_comment: 'user',
  record_sample_visit: 'user',
  record_third_party_assessment: 'user',
  repush_upstream: 'user',
  rereviews_to_decide: 'user',
  return_visit_sample_items: 'user',
  return_visit_samples: 'user',
  reveal_comment_contact: 'user',
  review_appeal: 'user',
  urge_work_order: 'user',
  route_comment: 'user',
  sample_return_visits: 'user',
  set_calendar_day: 'user',
  set_calendar_year_announced: 'user',
  stats: 'user',
  supervisor_comments: 'user',
  third_party_assessments: 'user',
  upstream_status: 'user',
  // 差评热点 and 预警 (issue 16.3, 16.4): supervisors of the region; everyone else forbidden
  bad_review_topics: 'user',
  early_warnings: 'user',
  my_warning_digests: 'user',
  // 差评 board moderation (issue 15.4): supervisors of the region; everyone else forbidden
  comment_moderation_queue: 'user',
  moderate_comment: 'user',
  // 系统状态 (issue 19.1): supervisors and unit admins; everyone else forbidden
  system_status: 'user',
  // Administration (管理: supervisors of the region; unit admins for their unit's staff)
  admin_assign_window: 'user',
  admin_find_user: 'user',
  admin_grant_role: 'user',
  admin_halls: 'user',
  admin_lookup_flags: 'user',
  admin_matters: 'user',
  admin_revoke_role: 'user',
  admin_save_hall: 'user',
  admin_save_matter: 'user',
  admin_save_unit: 'user',
  admin_save_window: 'user',
  admin_staff: 'user',
  admin_unit_staff: 'user',
  admin_unit_windows: 'user',
  admin_windows: 'user',
  create_business_system: 'user',
  create_rating_device: 'user',
  ingest_key_halls: 'user',
  ingest_keys: 'user',
  revoke_ingest_key: 'user',
  window_qr_codes: 'user',
  // 管理 → 评价器 (issue 18): unit admins of the window's unit and supervisors of its region
  create_kiosk_pairing: 'user',
  kiosk_devices: 'user',
  kiosk_windows: 'user',
  revoke_kiosk_device: 'user',
  // The service role only: jobs, and what the edge functions ask on a caller's behalf
  apply_default_ratings: 'service',
  bind_realname: 'service',
  claim_comment_checks: 'service',
  claim_upstream_batch: 'service',
  deploy_status: 'service',
  dev_personas: 'service',
  due_reminders: 'service',
  escalate_overdue: 'service',
  ingest_key_secret: 'service',
  kiosk_feed: 'service',
  kiosk_pair: 'service',
  ingest_ratings: 'service',
  ingest_transactions: 'service',
  platform_login: 'service',
  purge_identity_tokens: 'service',
  purge_retention: 'service',
  purge_upstream_outbox: 'service',
  record_comment_check: 'service',
  record_job_run: 'service',
  record_reminder_result: 'service',
  record_warning_digests: 'service',
  record_upstream_results: 'service',
  reminder_recipients: 'service',
  revoke_refresh_token: 'service',
  rotate_refresh_token: 'service',
  session_user_info: 'service',
};

/** Views of `public`: reference data everyone reads; no role may write them. */
export const VIEWS = ['calendar_days', 'calendar_years', 'eval_tags', 'regions', 'statutory_holidays', 'units'] as const;
