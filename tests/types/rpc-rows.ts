/**
 * Compile-time check (issue 14.8): every zod schema that parses an RPC's rows (shared/, and the
 * app's own in miniapp/src/lib) against the RPC's row type in supabase/types/database.ts, the
 * `supabase gen types` output of the migrations (`npm run db:types`). `typecheck` compiles this
 * file; nothing runs it. A migration that renames, drops or retypes a column the app reads fails
 * here with `"<rpc>.<column>: …"` in the message.
 *
 * Compatible means: every column the schema requires is returned, and for each column the
 * database's type and what the schema accepts (z.input) overlap in one direction or the other —
 * a text column parsed as an enum (the schema narrows), an integer parsed by Num (which also
 * takes numeric strings), a non-null column read as nullable (generated row types of
 * `returns table` say non-null even where null comes back). A text column now an integer, or a
 * boolean now text, overlaps in neither and fails.
 */
import type { z } from 'zod';
import type { Database } from '../../supabase/types/database.ts';
import * as adminOrg from '../../shared/admin-org.ts';
import * as adminPeople from '../../shared/admin-people.ts';
import * as comments from '../../shared/comments.ts';
import * as desk from '../../shared/desk.ts';
import * as earlyWarning from '../../shared/early-warning.ts';
import * as identity from '../../shared/identity.ts';
import * as reminders from '../../shared/reminders.ts';
import * as schemas from '../../shared/schemas.ts';
import * as staff from '../../shared/staff.ts';
import * as supervise from '../../shared/supervise.ts';
import * as workOrders from '../../shared/work-orders.ts';
import * as rows from '../../miniapp/src/lib/rows.ts';
import * as subscriptions from '../../miniapp/src/lib/subscriptions.ts';
import * as urgent from '../../miniapp/src/lib/staff-urgent-count.ts';

type Fns = Database['public']['Functions'];
type Views = Database['public']['Views'];
type Rpc = keyof Fns;

/** One row of what the RPC returns (setof / table: the element; a single composite: itself). */
type RowOf<N extends Rpc> = Fns[N]['Returns'] extends ReadonlyArray<infer R> ? R : Fns[N]['Returns'];

/** Null on either side is left out: generated `returns table` columns are never nullable. */
type Overlap<A, B> = [NonNullable<A>] extends [NonNullable<B>] ? true : [NonNullable<B>] extends [NonNullable<A>] ? true : false;

/** The columns where `schema` and `Row` disagree, as readable messages; never when they agree. */
export type Mismatches<Name extends string, S extends z.ZodType, Row> = {
  [K in keyof z.input<S> & string]-?: K extends keyof Row
    ? Overlap<Row[K], Exclude<z.input<S>[K], undefined>> extends true
      ? never
      : `${Name}.${K}: the database returns ${Describe<Row[K]>}, the schema does not accept it`
    : undefined extends z.input<S>[K]
      ? never
      : `${Name}.${K}: the schema needs this column, the database does not return it`;
}[keyof z.input<S> & string];

type Describe<T> = T extends string ? 'text' : T extends number ? 'a number' : T extends boolean ? 'a boolean' : T extends null ? 'null' : 'another type';

/** No mismatch: anything; otherwise a property the schema lacks, whose type is the messages. */
type Fits<M> = [M] extends [never] ? unknown : { problems: M };

/** Compiles only when the schema fits the RPC's rows; the error names the columns otherwise. */
function rpc<N extends Rpc, S extends z.ZodType>(_name: N, _schema: S & Fits<Mismatches<N, S, RowOf<N>>>): void {}

/** The same for a view read with `.from(name).select(…)`. */
function view<N extends keyof Views, S extends z.ZodType>(_name: N, _schema: S & Fits<Mismatches<N, S, Views[N]['Row']>>): void {}

// Citizens (miniapp/src/lib/api.ts).
rpc('whoami', schemas.WhoamiRow);
rpc('my_pending_ratings', rows.PendingRow);
rpc('my_ratings', rows.MyRatingRow);
rpc('submit_rating', rows.SubmitResult);
rpc('submit_visit_rating', rows.SubmitResult);
rpc('window_info', rows.WindowInfoRow);
rpc('work_order_timeline', workOrders.WorkOrderTimelineRow);
rpc('submit_comment', comments.CommentRow);
rpc('my_comments', comments.CommentRow);
rpc('public_results', rows.PublicResultRow);
rpc('public_bad_review_board', rows.BadReviewBoardRow);
rpc('my_subscriptions', subscriptions.SubscriptionRow);
rpc('record_subscriptions', subscriptions.SubscriptionRow);
rpc('realname_nonce', identity.RealnameNonce);
view('units', schemas.UnitRow);

// 工作台 (staff-api.ts).
rpc('unit_work_orders', staff.UnitWorkOrderRow);
rpc('my_urgent_count', urgent.UrgentCount);
rpc('verify_work_order', staff.DueResult);
rpc('submit_appeal', staff.IdResult);
rpc('upload_evidence', staff.EvidenceUpload);
rpc('extend_work_order', staff.DueResult);
rpc('rectify_work_order', staff.RectifyResult);
rpc('reply_work_order', staff.StatusResult);
rpc('record_return_visit', staff.StatusResult);
rpc('reveal_rater_contact', staff.RaterContact);
rpc('unit_ratings', staff.UnitRatingRow);
rpc('evidence_file', desk.EvidenceFileRow);
rpc('work_order_handlers', desk.HandlerRow);
rpc('assign_work_order', desk.AssignResult);

// 监督台 (staff-api.ts, rereview-api.ts, publish-api.ts, desk-comments-api.ts, sampling-api.ts).
rpc('appeals_to_review', supervise.AppealReviewRow);
rpc('review_appeal', supervise.ReviewAppealResult);
rpc('stats', supervise.StatsRow);
rpc('overdue_work_orders', supervise.OverdueRow);
rpc('key_supervision_list', supervise.KeySupervisionRow);
rpc('repush_upstream', supervise.RepushResult);
rpc('rereviews_to_decide', desk.RereviewRow);
rpc('decide_rereview', desk.DecideRereviewResult);
rpc('published_periods', desk.PublishedPeriodRow);
rpc('publish_results', desk.PublishResult);
rpc('supervisor_comments', comments.CommentRow);
rpc('unit_comments', comments.CommentRow);
rpc('route_comment', comments.CommentRow);
rpc('reply_comment', comments.CommentRow);
rpc('close_comment', comments.CommentRow);
rpc('record_comment', comments.CommentRow);
rpc('reveal_comment_contact', comments.CommentContact);
rpc('comment_history', comments.CommentHistoryRow);
rpc('sample_return_visits', comments.SampleItemRow);
rpc('return_visit_samples', comments.SampleBatchRow);
rpc('return_visit_sample_items', comments.SampleItemRow);
rpc('record_sample_visit', comments.SampleItemRow);
rpc('third_party_assessments', comments.AssessmentRow);
rpc('record_third_party_assessment', comments.AssessmentRow);
rpc('early_warnings', earlyWarning.EarlyWarningRow);
rpc('my_warning_digests', earlyWarning.WarningDigestRow);

// Jobs (send-reminders).
rpc('due_reminders', reminders.DueReminder);

// 管理 (admin-org-api.ts, admin-people-api.ts, ingest-keys-api.ts, calendar-api.ts).
rpc('admin_halls', adminOrg.AdminHallRow);
rpc('admin_windows', adminOrg.AdminWindowRow);
rpc('admin_matters', adminOrg.AdminMatterRow);
rpc('window_qr_codes', adminOrg.WindowQrRow);
rpc('admin_save_unit', adminOrg.SavedId);
rpc('admin_save_hall', adminOrg.SavedId);
rpc('admin_save_window', adminOrg.SavedId);
rpc('admin_save_matter', adminOrg.SavedId);
rpc('admin_staff', adminPeople.AdminStaffRow);
rpc('admin_unit_staff', adminPeople.UnitStaffRow);
rpc('admin_unit_windows', adminPeople.UnitWindowRow);
rpc('admin_find_user', adminPeople.FoundUserRow);
rpc('admin_grant_role', adminPeople.RoleIdResult);
rpc('admin_revoke_role', adminPeople.RoleIdResult);
rpc('admin_assign_window', adminPeople.AssignmentIdResult);
rpc('ingest_keys', adminPeople.IngestKeyRow);
rpc('ingest_key_halls', adminPeople.KeyHallRow);
rpc('create_business_system', adminPeople.CreatedKey);
rpc('create_rating_device', adminPeople.CreatedKey);
rpc('revoke_ingest_key', adminPeople.RevokedKey);
rpc('set_calendar_day', adminPeople.SetCalendarDayResult);

// The check itself is checked: a schema that asks for a column no RPC returns must not compile.
// @ts-expect-error whoami returns no column "not_a_column"
rpc('whoami', null as unknown as z.ZodObject<{ not_a_column: z.ZodString }>);
// @ts-expect-error whoami's user_id is a uuid (text), never a boolean
rpc('whoami', null as unknown as z.ZodObject<{ user_id: z.ZodBoolean }>);
