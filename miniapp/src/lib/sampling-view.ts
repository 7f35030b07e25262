/**
 * 监督查评 (R18) as the 监督台 shows it: 回访抽查 progress and
 * the checks the 抽查 and 第三方评估 forms make before sending (twins of sample_return_visits',
 * record_sample_visit's and record_third_party_assessment's checks, with the server's own
 * messages). Pure: no Taro, no I/O. The database decides; these only save a round trip.
 */
import { dayNumber, isValidDay } from '../../../shared/calendar/days.ts'
import { COMMENT_MAX_LENGTH, SAMPLE_MAX_SIZE, type SampleBatchRow, type SampleItemRow, type SampleOutcome } from '../../../shared/comments.ts'
import { ERRORS } from '../../../shared/errors.ts'

/** Both ends valid days, in order, at most 366 days apart (app.check_review_period). */
export function periodProblem(from: string, to: string): string | null {
  if (!isValidDay(from) || !isValidDay(to) || from > to || dayNumber(to) - dayNumber(from) > 366) return ERRORS.review_period_invalid.message
  return null
}

/** The 抽查 form: period, size 1..200 (whole number), optional seed ≤ 100 characters. */
export function sampleFormProblem(input: { from: string; to: string; n: string; seed: string }): string | null {
  const period = periodProblem(input.from, input.to)
  if (period) return period
  const n = input.n.trim()
  if (!/^\d+$/.test(n) || Number(n) < 1 || Number(n) > SAMPLE_MAX_SIZE) return ERRORS.sample_size_out_of_range.message
  if (input.seed.trim().length > 100) return '随机种子最多 100 个字符'
  return null
}

/** record_sample_visit: reached needs 满意/不满意, the other outcomes none; a note ≤ 1000 characters. */
export function visitProblem(outcome: SampleOutcome | null, satisfied: boolean | null, note: string): string | null {
  if (outcome === null) return '请选择回访结果'
  if (outcome === 'reached' && satisfied === null) return '已回访：请选择被回访人是否满意'
  if (note.trim().length > COMMENT_MAX_LENGTH) return ERRORS.comment_content_too_long.message
  return null
}

/** What a visit may still become: unreached items may be tried again; reached and declined stand. */
export function canRecord(item: Pick<SampleItemRow, 'outcome'>): boolean {
  return item.outcome === null || item.outcome === 'unreachable'
}

export interface SampleProgress {
  total: number
  /** Reached or declined: nothing more to do. */
  done: number
  reached: number
  unreachable: number
  satisfied: number
  /** satisfied / reached (those who answered), null before anyone was reached. */
  satisfiedShare: number | null
}

/** Progress of a batch from its items. */
export function itemsProgress(items: readonly Pick<SampleItemRow, 'outcome' | 'satisfied'>[]): SampleProgress {
  const reached = items.filter((i) => i.outcome === 'reached').length
  const satisfied = items.filter((i) => i.outcome === 'reached' && i.satisfied === true).length
  return {
    total: items.length,
    done: items.filter((i) => i.outcome === 'reached' || i.outcome === 'declined').length,
    reached,
    unreachable: items.filter((i) => i.outcome === 'unreachable').length,
    satisfied,
    satisfiedShare: reached === 0 ? null : satisfied / reached,
  }
}

/** '已完成 3/10 · 满意 2 人' from a return_visit_samples row (its counts). */
export function batchProgressText(b: Pick<SampleBatchRow, 'item_count' | 'visited_count' | 'satisfied_count'>): string {
  return `已完成 ${b.visited_count}/${b.item_count} · 满意 ${b.satisfied_count} 人`
}

/** '已完成 3/10 · 联系不上 1 · 满意 2/3（66.7%）'. */
export function progressText(p: SampleProgress): string {
  const share = p.satisfiedShare === null ? '—' : `${(Math.round(p.satisfiedShare * 1000) / 10).toFixed(1)}%`
  return `已完成 ${p.done}/${p.total} · 联系不上 ${p.unreachable} · 满意 ${p.satisfied}/${p.reached}（${share}）`
}

/** The 第三方评估 form as typed. */
export interface AssessmentInput {
  regionCode: string | null
  unitId: string | null
  from: string
  to: string
  assessorOrg: string
  score: string
  summary: string
  attachmentRef: string
}

/** Score: a number 0..100 with at most two decimals ('92.5' → 92.5); null when not one. */
export function parseScore(text: string): number | null {
  const t = text.trim()
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return null
  const n = Number(t)
  return n >= 0 && n <= 100 ? n : null
}

/** record_third_party_assessment's checks, in its order, with its messages. */
export function assessmentProblem(a: AssessmentInput): string | null {
  if (a.regionCode === null && a.unitId === null) return '请选择被评估的地区或单位'
  const period = periodProblem(a.from, a.to)
  if (period) return period
  const org = a.assessorOrg.trim()
  if (org === '') return '请填写评估机构'
  if (org.length > 200) return '评估机构名称最多 200 个字'
  if (parseScore(a.score) === null) return ERRORS.assessment_score_out_of_range.message
  const summary = a.summary.trim()
  if (summary === '') return ERRORS.comment_content_required.message
  if (summary.length > COMMENT_MAX_LENGTH) return ERRORS.comment_content_too_long.message
  const ref = a.attachmentRef.trim()
  if (ref.length > 500 || /\s/.test(ref)) return '报告文件位置不能含空格，最多 500 个字符'
  return null
}

/** '92.50' or 92.5 → '92.5 分'. */
export function scoreText(score: number): string {
  return `${Number(score.toFixed(2))} 分`
}
