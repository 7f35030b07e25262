import { COMMENT_KINDS, commentProblem, commentStatusLabel, kindLabel } from './comment-form.ts';
import { PRIVACY_NOTICE } from './privacy.ts';
import { PUBLIC_REGIONS, percent, periodLabel, recentPeriods } from './public-view.ts';
import type { MyRatingRow, WorkOrderTimelineRow } from './rows.ts';
import { wechatSubscription } from './subscribe/wechat.ts';
import { EVENT_LABELS, canRateFix, canRequestRereview, statusLabel, statusTone, timelineItems } from './work-order-view.ts';
import { WORK_ORDER_EVENTS } from '../../../shared/work-orders.ts';

const rating = (over: Partial<MyRatingRow> = {}): MyRatingRow => ({
  id: '11111111-1111-4111-8111-111111111111',
  transaction_id: '22222222-2222-4222-8222-222222222222',
  project_no: 'LC1',
  matter_name: '失业登记',
  unit_name: '临翔区人力资源和社会保障局',
  window_name: '1号窗口',
  level: 1,
  tags: ['115'],
  comment: null,
  is_anonymous: false,
  is_default: false,
  assess_number: 1,
  validity: 'valid',
  rated_at: '2026-11-30T01:00:00+00:00',
  work_order_id: '33333333-3333-4333-8333-333333333333',
  work_order_status: 'replied',
  ...over,
});

const event = (e: WorkOrderTimelineRow['event'], over: Partial<WorkOrderTimelineRow> = {}): WorkOrderTimelineRow => ({
  at: '2026-11-30T02:00:00+00:00', event: e, status_from: null, status_to: null, note: null, due_on: null, ...over,
});

describe('我的评价: the work order of a 差评', () => {
  test('every timeline event has a Chinese label; dates and notes read plainly', () => {
    for (const e of WORK_ORDER_EVENTS) expect(EVENT_LABELS[e]).toMatch(/[\u4e00-\u9fa5]/);
    expect(timelineItems([event('opened', { due_on: '2026-12-01' }), event('extended', { note: '需要上级部门批复', due_on: '2026-12-25' })])).toEqual([
      { when: '2026年11月30日 10:00', label: '差评已转给办理单位', note: null, due: '须在12月1日（周二）前核实' },
      { when: '2026年11月30日 10:00', label: '单位申请延期整改', note: '需要上级部门批复', due: '须在12月25日（周五）前完成整改' },
    ]);
  });

  test('states read as words, finished ones marked as such', () => {
    expect(statusLabel('pending_verification')).toBe('待核实');
    expect(statusLabel('something new')).toBe('处理中');
    expect(statusTone('closed')).toBe('done');
    expect(statusTone('overdue')).toBe('attention');
    expect(statusTone('rectifying')).toBe('progress');
  });

  test('the fix may be rated once the unit answered, once (R12)', () => {
    expect(canRateFix(rating(), [rating()])).toBe(true);
    expect(canRateFix(rating({ work_order_status: 'rectifying' }), [])).toBe(false);
    expect(canRateFix(rating({ work_order_status: 'rectified' }), [])).toBe(false);
    expect(canRateFix(rating({ work_order_status: 'closed' }), [])).toBe(true);
    expect(canRateFix(rating(), [], [event('rated_fix')])).toBe(false);
    expect(canRateFix(rating(), [rating(), rating({ id: '44444444-4444-4444-8444-444444444444', assess_number: 2, work_order_id: null })])).toBe(false);
    expect(canRateFix(rating({ work_order_id: null }), [])).toBe(false);
  });

  test('a re-review only for a real-name rater’s dismissed 差评, once (R11)', () => {
    expect(canRequestRereview(rating({ work_order_status: 'dismissed' }))).toBe(true);
    expect(canRequestRereview(rating({ work_order_status: 'dismissed', is_anonymous: true }))).toBe(false);
    expect(canRequestRereview(rating({ work_order_status: 'dismissed' }), [event('rereview_requested')])).toBe(false);
    expect(canRequestRereview(rating())).toBe(false);
  });
});

test('公开: months newest first across a year end, rates as percentages, the city first', () => {
  expect(recentPeriods(new Date('2026-02-15T00:00:00Z'), 4)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
  // 2026-11-30 20:00 UTC is already December in Shanghai.
  expect(recentPeriods(new Date('2026-11-30T20:00:00Z'), 1)).toEqual(['2026-12']);
  expect(periodLabel('2026-03')).toBe('2026年3月');
  expect([percent(0.9524), percent(1), percent(0), percent(null)]).toEqual(['95.2%', '100.0%', '0.0%', '暂无评价']);
  expect(PUBLIC_REGIONS[0]).toEqual({ code: '530900', name: '全市' });
  expect(PUBLIC_REGIONS).toHaveLength(9);
});

test('意见建议: kinds, statuses and the checks of submit_comment', () => {
  expect(COMMENT_KINDS.map((k) => k.kind)).toEqual(['suggestion', 'complaint', 'praise']);
  expect(kindLabel('complaint')).toBe('投诉');
  expect(commentStatusLabel('replied')).toBe('单位已答复');
  expect(commentProblem('  ', '')).toBe('内容不能为空，请填写后再提交');
  expect(commentProblem('好'.repeat(1001), '')).toBe('内容最多 1000 字');
  expect(commentProblem('窗口太少', '1'.repeat(101))).toMatch(/联系方式/);
  expect(commentProblem('窗口太少', '13800000000')).toBeNull();
});

test('the privacy notice answers what, why, how long and who', () => {
  expect(PRIVACY_NOTICE.map((s) => s.question)).toEqual(['我们保存什么', '为什么保存', '保存多久', '谁能看到']);
  for (const s of PRIVACY_NOTICE) expect(s.answer.length).toBeGreaterThan(0);
});

describe('WeChat progress subscription (R17)', () => {
  test('without a configured template the offer is not shown and nothing is asked', async () => {
    const ask = jest.fn();
    const sub = wechatSubscription('  ', ask, async () => {});
    expect(sub.available).toBe(false);
    await expect(sub.request()).resolves.toBe('unavailable');
    expect(ask).not.toHaveBeenCalled();
  });

  test('accept / reject as WeChat answers them ({ [tmplId]: "accept" | "reject" | "ban" })', async () => {
    const answers: Array<Record<string, unknown>> = [{ T1: 'accept', errMsg: 'requestSubscribeMessage:ok' }, { T1: 'reject' }, { T1: 'ban' }];
    const ask = jest.fn(async () => answers.shift() ?? {});
    const record = jest.fn(async () => {});
    const sub = wechatSubscription('T1', ask, record);
    expect(sub.available).toBe(true);
    expect([await sub.request(), await sub.request(), await sub.request()]).toEqual(['accepted', 'rejected', 'rejected']);
    expect(ask).toHaveBeenCalledWith(['T1']);
    // Only the accepted one is reported to the server (record_subscriptions), once.
    expect(record).toHaveBeenCalledTimes(1);
    await expect(wechatSubscription('T1', () => Promise.reject(new Error('no tap')), record).request()).resolves.toBe('rejected');
    // Accepted but the server never heard of it: no message could be sent, so it is not "accepted".
    await expect(wechatSubscription('T1', async () => ({ T1: 'accept' }), () => Promise.reject(new Error('offline'))).request()).resolves.toBe('rejected');
  });
});

describe('issue 21.4: the 差评 in the rater\'s words', () => {
  const ev = (event: WorkOrderTimelineRow['event'], due_on: string | null, note: string | null = null) =>
    ({ at: '2026-12-04T02:00:00Z', event, note, due_on }) as WorkOrderTimelineRow

  test('never the workflow\'s own words', async () => {
    const { CITIZEN_STATUS_LABELS } = await import('./work-order-view.ts')
    for (const label of Object.values(CITIZEN_STATUS_LABELS)) expect(label).not.toMatch(/待核实|申诉中|申诉成立/)
  })

  test('what happens next, by when, with the weekday', async () => {
    const { citizenNextStep } = await import('./work-order-view.ts')
    expect(citizenNextStep('pending_verification', [ev('opened', '2026-12-07')])).toBe('单位须在12月7日（周一）前核实，最迟12月28日（周一）前完成整改并答复您。')
    expect(citizenNextStep('rectifying', [ev('opened', '2026-12-07'), ev('verified', '2026-12-25')])).toBe('单位须在12月25日（周五）前完成整改并答复您。')
    expect(citizenNextStep('dismissed', [ev('opened', '2026-12-07'), ev('appealed', null), ev('appeal_approved', null, '所办事项不属于本窗口')])).toContain('理由：所办事项不属于本窗口')
  })
  test('an upheld appeal says why and until when a re-review may be asked (the day the server fixed)', async () => {
    const { canRequestRereview, citizenNextStep, CITIZEN_STATUS_LABELS, timelineItems } = await import('./work-order-view.ts')
    const rows = [ev('opened', '2026-12-07'), ev('appealed', null), ev('appeal_approved', '2026-12-25', '所办事项不属于本窗口')]
    expect(citizenNextStep('dismissed', rows, '2026-12-11')).toBe(
      '监督部门审核认为这条评价不应计入考核，理由：所办事项不属于本窗口。如有异议，可在12月25日（周五）前（还剩14天）申请复核（只能申请一次）。')
    expect(citizenNextStep('dismissed', rows, '2026-12-25')).toContain('可在12月25日（周五）前（今天是最后一天）申请复核')
    expect(citizenNextStep('dismissed', rows, '2026-12-26')).toContain('申请复核的期限（12月25日（周五））已过。')
    expect(citizenNextStep('dismissed', [...rows, ev('rereview_requested', null)], '2026-12-11')).toContain('您已申请复核')
    expect(timelineItems(rows)[2]?.due).toBe('可在12月25日（周五）前申请复核')
    const r = { id: 'r', transaction_id: 't', level: 1, is_default: false, assess_number: 1, work_order_id: 'w', work_order_status: 'dismissed', is_anonymous: false } as unknown as Parameters<typeof canRequestRereview>[0]
    expect(canRequestRereview(r, rows, '2026-12-25')).toBe(true)
    expect(canRequestRereview(r, rows, '2026-12-26')).toBe(false)
    // The public board and 我的评价 share these words; none speaks to 您 (the board's readers are everyone).
    for (const label of Object.values(CITIZEN_STATUS_LABELS)) expect(label).not.toMatch(/您|已回复/)
  })
})

test('a deadline reads as a date with the days left (issues 21.3, 21.4)', async () => {
  const { beforeDayText } = await import('./countdown.ts')
  expect(beforeDayText('2026-12-04', '2026-12-11')).toBe('12月11日（周五）前（还剩7天）')
  expect(beforeDayText('2026-12-11', '2026-12-11')).toBe('12月11日（周五）前（今天是最后一天）')
  expect(beforeDayText('2026-12-12', '2026-12-11')).toBe('12月11日（周五）前（已过期）')
})

test('关怀模式 follows the system text size: WeChat fontSizeScaleFactor, Alipay fontSizeSetting (issue 15.6)', async () => {
  const { largeTextFromSystem } = await import('./care-mode.ts')
  expect(largeTextFromSystem({ fontSizeScaleFactor: 1 })).toBe(false)
  expect(largeTextFromSystem({ fontSizeScaleFactor: 1.3 })).toBe(true)
  expect(largeTextFromSystem({ fontSizeSetting: 16 })).toBe(false)
  expect(largeTextFromSystem({ fontSizeSetting: 20 })).toBe(true)
  expect(largeTextFromSystem({})).toBe(false)
  expect(largeTextFromSystem(null)).toBe(false)
})

test('待评价 cards say the last day and the days left (issue 21.5)', async () => {
  const { deadlineText } = await import('./countdown.ts')
  expect(deadlineText('2026-12-06', '2026-12-11')).toBe('12月11日（周五）前可评（还剩5天）')
  expect(deadlineText('2026-12-11', '2026-12-11')).toBe('今天是最后一天可评')
})
