import { ERRORS } from '../../../shared/errors.ts'
import {
  assessmentProblem,
  batchProgressText,
  canRecord,
  itemsProgress,
  parseScore,
  periodProblem,
  progressText,
  sampleFormProblem,
  scoreText,
  visitProblem,
  type AssessmentInput,
} from './sampling-view.ts'

describe('the 抽查 form', () => {
  const ok = { from: '2026-10-01', to: '2026-10-31', n: '20', seed: '' }
  test('a valid form passes', () => expect(sampleFormProblem(ok)).toBeNull())
  test('period: reversed, beyond a year or not a day → the server\'s message', () => {
    expect(periodProblem('2026-11-01', '2026-10-31')).toBe(ERRORS.review_period_invalid.message)
    expect(periodProblem('2025-01-01', '2026-01-03')).toBe(ERRORS.review_period_invalid.message)
    expect(periodProblem('2025-01-01', '2026-01-02')).toBeNull()
    expect(periodProblem('2026-02-30', '2026-03-01')).toBe(ERRORS.review_period_invalid.message)
  })
  test('size 1..200, whole numbers only', () => {
    for (const n of ['0', '201', '', '2.5', '-1', 'abc']) expect(sampleFormProblem({ ...ok, n })).toBe(ERRORS.sample_size_out_of_range.message)
    for (const n of ['1', '200', ' 7 ']) expect(sampleFormProblem({ ...ok, n })).toBeNull()
  })
  test('a seed of more than 100 characters is refused', () => {
    expect(sampleFormProblem({ ...ok, seed: 'x'.repeat(101) })).toMatch(/100/)
    expect(sampleFormProblem({ ...ok, seed: 'x'.repeat(100) })).toBeNull()
  })
})

describe('a visit', () => {
  test('reached needs 满意/不满意; the others do not', () => {
    expect(visitProblem(null, null, '')).toBe('请选择回访结果')
    expect(visitProblem('reached', null, '')).toMatch(/是否满意/)
    expect(visitProblem('reached', false, '')).toBeNull()
    expect(visitProblem('unreachable', null, '')).toBeNull()
    expect(visitProblem('declined', null, 'x'.repeat(1001))).toBe(ERRORS.comment_content_too_long.message)
  })
  test('unreached items may be tried again; reached and declined stand', () => {
    expect(canRecord({ outcome: null })).toBe(true)
    expect(canRecord({ outcome: 'unreachable' })).toBe(true)
    expect(canRecord({ outcome: 'reached' })).toBe(false)
    expect(canRecord({ outcome: 'declined' })).toBe(false)
  })
})

describe('progress', () => {
  test('done counts reached and declined; satisfied share is over those reached', () => {
    const p = itemsProgress([
      { outcome: 'reached', satisfied: true },
      { outcome: 'reached', satisfied: false },
      { outcome: 'reached', satisfied: true },
      { outcome: 'declined', satisfied: null },
      { outcome: 'unreachable', satisfied: null },
      { outcome: null, satisfied: null },
    ])
    expect(p).toEqual({ total: 6, done: 4, reached: 3, unreachable: 1, satisfied: 2, satisfiedShare: 2 / 3 })
    expect(progressText(p)).toBe('已完成 4/6 · 联系不上 1 · 满意 2/3（66.7%）')
  })
  test('nobody reached yet: no share', () => {
    const p = itemsProgress([{ outcome: null, satisfied: null }])
    expect(p.satisfiedShare).toBeNull()
    expect(progressText(p)).toBe('已完成 0/1 · 联系不上 0 · 满意 0/0（—）')
  })
  test('a batch row as listed', () => {
    expect(batchProgressText({ item_count: 10, visited_count: 3, satisfied_count: 2 })).toBe('已完成 3/10 · 满意 2 人')
  })
})

describe('the 第三方评估 form', () => {
  const ok: AssessmentInput = { regionCode: '530900', unitId: null, from: '2026-07-01', to: '2026-09-30', assessorOrg: '云南某评估中心', score: '92.5', summary: '总体良好', attachmentRef: '' }
  test('a valid form passes', () => expect(assessmentProblem(ok)).toBeNull())
  test('score: 0..100, at most two decimals', () => {
    expect(parseScore('92.5')).toBe(92.5)
    expect(parseScore('100')).toBe(100)
    expect(parseScore('0')).toBe(0)
    for (const s of ['100.01', '120', '-1', '', 'abc', '92.555', '1e2']) {
      expect(parseScore(s)).toBeNull()
      expect(assessmentProblem({ ...ok, score: s })).toBe(ERRORS.assessment_score_out_of_range.message)
    }
  })
  test('period, organisation, summary and report reference follow the server', () => {
    expect(assessmentProblem({ ...ok, to: '2026-06-30' })).toBe(ERRORS.review_period_invalid.message)
    expect(assessmentProblem({ ...ok, assessorOrg: '  ' })).toBe('请填写评估机构')
    expect(assessmentProblem({ ...ok, assessorOrg: 'x'.repeat(201) })).toMatch(/200/)
    expect(assessmentProblem({ ...ok, summary: '　' })).toBe(ERRORS.comment_content_required.message)
    expect(assessmentProblem({ ...ok, summary: 'x'.repeat(1001) })).toBe(ERRORS.comment_content_too_long.message)
    expect(assessmentProblem({ ...ok, attachmentRef: 'a b' })).toMatch(/空格/)
    expect(assessmentProblem({ ...ok, attachmentRef: 'oss://reports/2026q3.pdf' })).toBeNull()
    expect(assessmentProblem({ ...ok, regionCode: null })).toMatch(/地区或单位/)
    expect(assessmentProblem({ ...ok, regionCode: null, unitId: 'u' })).toBeNull()
  })
  test('score text', () => {
    expect(scoreText(92.5)).toBe('92.5 分')
    expect(scoreText(80)).toBe('80 分')
  })
})
