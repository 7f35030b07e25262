import type { StatsRow } from '../../../shared/supervise.ts'
import { UnitRatingRow, UnitWorkOrderRow } from '../../../shared/staff.ts'
import { StatsRow as StatsRowSchema } from '../../../shared/supervise.ts'
import { spanCalendar } from './countdown.ts'
import {
  actionsFor,
  countsByStatus,
  dueOf,
  dueText,
  isOverdue,
  lengthProblem,
  monthRange,
  percent,
  addMonths,
  rankingView,
  periodPresets,
  staffTimeline,
  totalsOf,
  workingDaysUntil,
} from './staff-view.ts'
import { evidenceProblem, bytesToBase64 } from './evidence-check.ts'
import { axisMax, chartOption, shortLabel } from '../subpackages/supervise/chart-option.ts'
import { hasStaffDesk, hasSuperviseDesk, summarizeWhoami } from './roles.ts'

const base = { status: 'pending_verification', is_realname: true, appeal_status: null, verify_due_on: '2026-12-01', rectify_due_on: null, escalated: false } as const

describe('actionsFor: what the state machine allows', () => {
  test.each([
    ['pending_verification', null, true, ['verify', 'appeal']],
    ['pending_verification', 'rejected', true, ['verify']],
    ['appealing', 'pending', true, []],
    ['rectifying', null, true, ['rectify', 'extend']],
    ['overdue', null, true, ['rectify', 'extend']],
    ['reopened', null, true, ['rectify', 'extend']],
    ['rectified', null, true, ['reply']],
    ['replied', null, true, ['return_visit']],
    ['replied', null, false, []],
    ['closed', null, true, []],
    ['dismissed', null, true, []],
    ['rerouted', null, true, []],
  ] as const)('%s (appeal %s, real-name %s) → %j', (status, appeal, realname, expected) => {
    expect(actionsFor({ status, appeal_status: appeal, is_realname: realname })).toEqual(expected)
  })
})

describe('due dates in working days', () => {
  // 2026-12-05/06 is a weekend; 2026-12-07 a Monday made a holiday here to prove exceptions count.
  const cal = spanCalendar({ exceptions: [{ day: '2026-12-07', is_workday: false }], announcedYears: [2026], statutory: [] })

  test('counts working days left, today included, skipping weekends and holidays', () => {
    expect(workingDaysUntil('2026-12-03', '2026-12-08', cal)).toBe(3) // Thu, Fri, Tue
    expect(workingDaysUntil('2026-12-08', '2026-12-08', cal)).toBe(1)
  })

  test('overdue days are negative: the working days after the due day up to today', () => {
    expect(workingDaysUntil('2026-12-08', '2026-12-03', cal)).toBe(-2) // Fri, Tue
  })

  test('words for each case', () => {
    expect(dueText('整改', 3)).toBe('整改还剩 3 个工作日')
    expect(dueText('核实', 1)).toBe('核实今天到期')
    expect(dueText('整改', -2)).toBe('整改已超期 2 个工作日')
  })

  test('the due date that matters: 核实 before verification, 整改 after, none when finished', () => {
    expect(dueOf(base)).toEqual({ kind: '核实', day: '2026-12-01' })
    expect(dueOf({ ...base, status: 'rectifying', rectify_due_on: '2026-12-20' })).toEqual({ kind: '整改', day: '2026-12-20' })
    expect(dueOf({ ...base, status: 'closed', rectify_due_on: '2026-12-20' })).toBeNull()
  })

  test('overdue: past its due day, or in the overdue state', () => {
    expect(isOverdue(base, '2026-12-01')).toBe(false)
    expect(isOverdue(base, '2026-12-02')).toBe(true)
    expect(isOverdue({ ...base, status: 'overdue', verify_due_on: null }, '2026-01-01')).toBe(true)
    expect(isOverdue({ ...base, status: 'closed' }, '2027-01-01')).toBe(false)
  })
})

test('counts by state: every open state (zero too), finished ones only when present', () => {
  const counts = countsByStatus([{ status: 'rectifying' }, { status: 'rectifying' }, { status: 'closed' }])
  expect(counts.find((c) => c.status === 'rectifying')).toEqual({ status: 'rectifying', label: '整改中', count: 2 })
  expect(counts.find((c) => c.status === 'pending_verification')?.count).toBe(0)
  expect(counts.find((c) => c.status === 'closed')?.count).toBe(1)
  expect(counts.find((c) => c.status === 'dismissed')).toBeUndefined()
})

const statsRow = (over: Partial<Record<keyof StatsRow, unknown>>): StatsRow =>
  StatsRowSchema.parse({
    group_key: 'k', group_name: 'n', rating_count: 0, default_count: 0, good_count: 0, neutral_count: 0, bad_count: 0, finished_count: 0,
    active_count: 0, satisfaction_rate: null, good_rate: null, bad_rate: null, active_rate: null, substantiated_count: 0, rectified_count: 0,
    due_count: 0, on_time_count: 0, realname_substantiated_count: 0, realname_revisited_count: 0, rectify_rate: null, on_time_rate: null,
    realname_revisit_rate: null, ...over,
  })

describe('dashboard numbers', () => {
  const a = statsRow({ group_key: 'a', group_name: '甲', rating_count: 8, good_count: 6, neutral_count: 1, bad_count: 1, finished_count: 10, active_count: 6, bad_rate: 0.125, substantiated_count: 1, rectified_count: 1, due_count: 1, on_time_count: 1, realname_substantiated_count: 1, realname_revisited_count: 0 })
  const b = statsRow({ group_key: 'b', group_name: '乙', rating_count: '2', good_count: 0, neutral_count: 0, bad_count: 2, finished_count: 2, active_count: 2, bad_rate: '1.0000', substantiated_count: 1 })
  const c = statsRow({ group_key: 'c', group_name: '丙' })

  test('totals use SPEC §3 formulas over summed counts, not averages of rates', () => {
    const t = totalsOf([a, b, c])
    expect(t).toMatchObject({ rating_count: 10, bad_count: 3, bad_rate: 0.3, good_rate: 0.6, satisfaction_rate: 0.7, active_rate: 0.6667, rectify_rate: 0.5, on_time_rate: 1, realname_revisit_rate: 0 })
  })


  test('percent: one decimal, a dash without a denominator', () => {
    expect(percent(0.9235)).toBe('92.4%')
    expect(percent(1)).toBe('100.0%')
    expect(percent(null)).toBe('—')
  })

  test('the chart option: horizontal bars for places, a line for months, the numbers as labels', () => {
    const bar = chartOption('bar', ['临翔区市场监督管理局很长的名字', '乙'], [92.5, null]) as { yAxis: { data: string[] }; series: Array<{ type: string; data: unknown[] }> }
    expect(bar.series[0]).toMatchObject({ type: 'bar', data: [92.5, null] })
    expect(bar.yAxis.data).toEqual(['临翔区市场监督管理局很长的…', '乙'])
    expect(shortLabel('双江拉祜族佤族布朗族傣族自治县人力资源和社会保障局')).toBe('双江县人力资源和社会保障局')
    expect(shortLabel('耿马傣族佤族自治县市场监督管理局')).toBe('耿马县市场监督管理局')
    const line = chartOption('line', ['2026-10', '2026-11'], [90, 95]) as { series: Array<{ type: string }> }
    expect(line.series[0]?.type).toBe('line')
    expect(shortLabel('短')).toBe('短')
    expect(axisMax([4.1, 3])).toBe(6)
    expect(axisMax([92.5, 60])).toBe(100)
    expect(axisMax([null])).toBe(1)
    expect(axisMax([12])).toBe(20)
  })

  test('the bars of the 最弱 chart carry their counts (issue 16.2)', () => {
    const bar = chartOption('bar', ['甲', '乙'], [12.5, null], 13, undefined, ['3/24', '0/0']) as { series: Array<{ label: { formatter: (p: { value: unknown; dataIndex: number }) => string } }> }
    expect(bar.series[0]!.label.formatter({ value: 12.5, dataIndex: 0 })).toBe('12.5%（3/24）')
    expect(bar.series[0]!.label.formatter({ value: null, dataIndex: 1 })).toBe('')
  })
})

test('periods: this month to today, last month whole, 30 days, the year', () => {
  expect(monthRange('2026-02')).toEqual(['2026-02-01', '2026-02-28'])
  expect(monthRange('2028-02')).toEqual(['2028-02-01', '2028-02-29'])
  expect(periodPresets('2026-01-15').map((p) => [p.key, p.from, p.to])).toEqual([
    ['month', '2026-01-01', '2026-01-15'],
    ['prev', '2025-12-01', '2025-12-31'],
    ['d30', '2025-12-17', '2026-01-15'],
    ['year', '2026-01-01', '2026-01-15'],
    ['y1', '2025-02-01', '2026-01-15'],
  ])
  expect(addMonths('2026-01', -1)).toBe('2025-12')
  expect(addMonths('2025-12', 1)).toBe('2026-01')
})

test('a long ranking shows the first 10 and the last 5', () => {
  const all = Array.from({ length: 20 }, (_, i) => i + 1)
  expect(rankingView(all)).toEqual({ head: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], tail: [16, 17, 18, 19, 20], tailStart: 15 })
  expect(rankingView([1, 2])).toEqual({ head: [1, 2], tail: [], tailStart: 2 })
})

test('form limits in the server\'s words', () => {
  expect(lengthProblem('申诉说明', '太短了', 10, 2000)).toBe('申诉说明至少 10 个字')
  expect(lengthProblem('答复', '  好  ', 2, 2000)).toBe('答复至少 2 个字')
  expect(lengthProblem('答复', '已整改完毕', 2, 2000)).toBeNull()
})

test('evidence: JPG, PNG or PDF up to 5 MB; base64 as the server decodes it', () => {
  expect(evidenceProblem('a.PDF', 100)).toBeNull()
  expect(evidenceProblem('a.doc', 100)).toBe('“a.doc”不是 JPG、PNG 或 PDF 文件')
  expect(evidenceProblem('a.jpg', 5 * 1024 * 1024 + 1)).toBe('“a.jpg”超过 5 MB')
  for (const s of ['', 'a', 'ab', 'abc', 'abcd', '%PDF-1.4\n\u00ff']) {
    const bytes = new Uint8Array([...s].map((ch) => ch.charCodeAt(0) & 255))
    expect(bytesToBase64(bytes.buffer)).toBe(Buffer.from(bytes).toString('base64'))
  }
})

test('the staff timeline speaks of the rater in the third person', () => {
  const items = staffTimeline([
    { at: '2026-11-29T01:00:00Z', event: 'opened', status_from: null, status_to: 'pending_verification', note: null, due_on: '2026-11-30' },
    { at: '2026-11-29T02:00:00Z', event: 'rated_fix', status_from: 'replied', status_to: 'replied', note: null, due_on: null },
    { at: '2026-11-29T03:00:00Z', event: 'extended', status_from: 'rectifying', status_to: 'rectifying', note: '材料待补', due_on: '2026-12-20' },
  ])
  expect(items.map((i) => i.label)).toEqual(['差评转入本单位', '评价人评价了整改结果', '单位申请延期整改'])
  expect(items[2]).toMatchObject({ note: '材料待补', due: '须在12月20日（周日）前完成整改' })
})

test('desks by role: 工作台 for staff and unit admins, 监督台 for supervisors', () => {
  const row = { user_id: '00000000-0000-4000-8000-000000000001', masked_name: '王*', region_code: '530902', region_name: null, unit_id: null, unit_name: null, scope_region_code: null, realname_verified: true }
  const staff = summarizeWhoami([{ ...row, role: 'unit_admin', unit_id: '00000000-0000-4000-8000-000000000002', unit_name: '临翔区市场监督管理局' }])!
  const supervisor = summarizeWhoami([{ ...row, role: 'supervisor', scope_region_code: '530900' }])!
  const citizen = summarizeWhoami([{ ...row, role: null }])!
  expect([hasStaffDesk(staff), hasSuperviseDesk(staff)]).toEqual([true, false])
  expect([hasStaffDesk(supervisor), hasSuperviseDesk(supervisor)]).toEqual([false, true])
  expect([hasStaffDesk(citizen), hasSuperviseDesk(citizen)]).toEqual([false, false])
})

test('row schemas: no rater identity in what staff receive, digit strings read as numbers', () => {
  expect(Object.keys(UnitRatingRow.shape).filter((k) => /rater|anonym|phone|applicant/.test(k))).toEqual([])
  expect(Object.keys(UnitWorkOrderRow.shape).filter((k) => /rater|phone|applicant|user/.test(k))).toEqual([])
  expect(statsRow({ rating_count: '12', bad_rate: '0.0833' })).toMatchObject({ rating_count: 12, bad_rate: 0.0833 })
})

describe('issue 21: figures with their counts, rankings with 并列, the 工作台 by urgency', () => {
  test('rateText: the n beside every rate; 样本不足 under 10; 主动评价率 over finished 办件', async () => {
    const { rateText, countsOf } = await import('./staff-view.ts')
    const r = statsRow({ rating_count: 20, good_count: 15, neutral_count: 3, bad_count: 2, finished_count: 12, active_count: 9, substantiated_count: 2, rectified_count: 1 })
    expect(rateText(r, 'satisfaction_rate')).toBe('90.0%（18/20）')
    expect(rateText(r, 'active_rate')).toBe('75.0%（9/12）')
    expect(rateText(r, 'rectify_rate')).toBe('样本不足（1/2）')
    expect(countsOf([r, r]).finished_count).toBe(24)
  })

  test('rankingOf: equal counts share a place (并列); the same rate from more ratings ranks higher; 样本不足 kept out', async () => {
    const { rankingOf } = await import('./staff-view.ts')
    const rows = [
      statsRow({ group_key: 'a', group_name: '甲', rating_count: 10, good_count: 9, satisfaction_rate: 0.9 }),
      statsRow({ group_key: 'b', group_name: '乙', rating_count: 20, good_count: 18, satisfaction_rate: 0.9 }),
      statsRow({ group_key: 'c', group_name: '丙', rating_count: 3, good_count: 3, satisfaction_rate: 1 }),
      statsRow({ group_key: 'd', group_name: '丁', rating_count: 20, good_count: 18, satisfaction_rate: 0.9 }),
    ]
    const { ranked, unranked } = rankingOf(rows, 'satisfaction_rate', (r) => r.group_name ?? '')
    expect(ranked.map((x) => [x.name, x.place, x.tied, x.text])).toEqual([['乙', 1, true, '90.0%（18/20）'], ['丁', 1, true, '90.0%（18/20）'], ['甲', 3, false, '90.0%（9/10）']])
    expect(unranked.map((x) => [x.name, x.text])).toEqual([['丙', '样本不足（3/3）']])
  })

  test('rankingOf (issue 16.2): by the Wilson bound; a handful neither tops the ranking nor heads the 最弱 list', async () => {
    const { rankingOf, rankingView } = await import('./staff-view.ts')
    const row = (k: string, n: number, bad: number) =>
      statsRow({ group_key: k, group_name: k, rating_count: n, good_count: n - bad, bad_count: bad, good_rate: (n - bad) / n, bad_rate: bad / n })
    // 10 of 10 good and 10 of 10 bad against large windows at 95 % and 60 %.
    const rows = [row('clean10', 10, 0), row('big95', 400, 20), row('bad10', 10, 10), row('big60', 400, 160), row('mid', 100, 10)]
    const bad = rankingOf(rows, 'bad_rate', (r) => r.group_name ?? '')
    // The raw 差评率 would put clean10 (0 %) first; its bound (0 of 10 → up to 40 % 差评) puts it after big95 and mid.
    expect(bad.ranked.map((x) => x.key)).toEqual(['big95', 'mid', 'clean10', 'big60', 'bad10'])
    // 最弱 first: 10 差评 of 10 is bad beyond doubt (bound 60 %), above 160 of 400 (34 %); clean10 last.
    expect(bad.weakest.map((x) => x.key)).toEqual(['bad10', 'big60', 'mid', 'big95', 'clean10'])
    expect(bad.weakest.every((x) => x.text.endsWith(`（${x.part}/${x.whole}）`))).toBe(true)
    // 好评率: the same rows, the other direction.
    const good = rankingOf(rows, 'good_rate', (r) => r.group_name ?? '')
    expect(good.ranked.map((x) => x.key)).toEqual(['big95', 'mid', 'clean10', 'big60', 'bad10'])
    expect(good.weakest.map((x) => x.key)).toEqual(bad.weakest.map((x) => x.key))
    expect(rankingView(good.ranked).head).toHaveLength(5)
  })

  test('byUrgency: 已超期, then due today or tomorrow, then by due date; undated last', async () => {
    const { byUrgency, urgencyOf } = await import('./staff-view.ts')
    const o = (id: string, verify: string | null, status = 'pending_verification') => ({ ...base, id, status, verify_due_on: verify }) as typeof base & { id: string }
    const rows = [o('later2', '2026-12-20'), o('none', null, 'replied'), o('soon', '2026-12-05'), o('late', '2026-12-01'), o('later1', '2026-12-10'), o('today', '2026-12-04')]
    expect(byUrgency(rows, '2026-12-04').map((r) => r.id)).toEqual(['late', 'today', 'soon', 'later1', 'later2', 'none'])
    expect(urgencyOf(o('x', '2026-12-05'), '2026-12-04')).toBe('soon')
    expect(urgencyOf(o('x', '2026-12-06'), '2026-12-04')).toBe('later')
  })
})
