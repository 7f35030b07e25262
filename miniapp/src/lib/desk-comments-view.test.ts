import type { CommentHistoryRow } from '../../../shared/comments.ts'
import { ERRORS } from '../../../shared/errors.ts'
import {
  closeNeedsReason,
  contactProblem,
  countByStatus,
  historyItems,
  receivedAtOf,
  shanghaiClock,
  supervisorActions,
  textProblem,
  trimText,
  unitCanReply,
  waitingText,
} from './desk-comments-view.ts'

test('supervisor actions follow the state machine', () => {
  expect(supervisorActions('received')).toEqual(['route', 'close'])
  expect(supervisorActions('routed')).toEqual(['route'])
  expect(supervisorActions('replied')).toEqual(['close'])
  expect(supervisorActions('closed')).toEqual([])
})

test('the unit replies only to what is routed to it; closing unanswered needs a reason', () => {
  expect(unitCanReply('routed')).toBe(true)
  for (const s of ['received', 'replied', 'closed'] as const) expect(unitCanReply(s)).toBe(false)
  expect(closeNeedsReason('received')).toBe(true)
  expect(closeNeedsReason('replied')).toBe(false)
})

test('texts are trimmed like the server (full-width space too) and limited to 1000 characters', () => {
  expect(trimText('\u3000 答复 \n')).toBe('答复')
  expect(textProblem('　 ', true)).toBe(ERRORS.comment_content_required.message)
  expect(textProblem('　 ', false)).toBeNull()
  expect(textProblem('字'.repeat(1000), true)).toBeNull()
  expect(textProblem('字'.repeat(1001), true)).toBe(ERRORS.comment_content_too_long.message)
})

test('contacts: optional, at most 100 characters, no control characters', () => {
  expect(contactProblem('')).toBeNull()
  expect(contactProblem('13987651234')).toBeNull()
  expect(contactProblem('1'.repeat(101))).toBe(ERRORS.comment_contact_invalid.message)
  expect(contactProblem('139\u0007')).toBe(ERRORS.comment_contact_invalid.message)
})

test('waiting time in the current state', () => {
  const now = Date.parse('2026-11-29T12:00:00Z')
  expect(waitingText({ status: 'received', received_at: '2026-11-29T09:00:00Z', routed_at: null }, now)).toBe('待转办 3 小时')
  expect(waitingText({ status: 'routed', received_at: '2026-11-20T09:00:00Z', routed_at: '2026-11-26T11:00:00Z' }, now)).toBe('待答复 3 天')
  expect(waitingText({ status: 'received', received_at: '2026-11-29T11:30:00Z', routed_at: null }, now)).toBe('待转办，不到 1 小时')
  expect(waitingText({ status: 'replied', received_at: '2026-11-20T09:00:00Z', routed_at: '2026-11-26T11:00:00Z' }, now)).toBeNull()
})

test('history lines name the unit, never who acted', () => {
  const rows: CommentHistoryRow[] = [
    { at: '2026-11-29T01:00:00Z', event: 'submitted', status_from: null, status_to: 'received', unit_name: null, note: null },
    { at: '2026-11-29T02:00:00Z', event: 'routed', status_from: 'received', status_to: 'routed', unit_name: '临翔区市场监督管理局', note: '请核实' },
    { at: '2026-11-29T03:00:00Z', event: 'contact_revealed', status_from: 'routed', status_to: 'routed', unit_name: null, note: null },
    { at: '2026-11-29T04:00:00Z', event: 'replied', status_from: 'routed', status_to: 'replied', unit_name: '临翔区市场监督管理局', note: '已整改' },
    { at: '2026-11-29T05:00:00Z', event: 'closed', status_from: 'replied', status_to: 'closed', unit_name: null, note: null },
  ]
  expect(historyItems(rows).map((h) => h.label)).toEqual([
    '群众通过意见箱提交',
    '转办至 临翔区市场监督管理局',
    '监督员查看了联系方式（已记录）',
    '临翔区市场监督管理局 已答复',
    '已办结',
  ])
  expect(historyItems(rows)[1]?.note).toBe('请核实')
})

test('counts per status', () => {
  expect(countByStatus([{ status: 'routed' }, { status: 'routed' }, { status: 'closed' }])).toEqual({ received: 0, routed: 2, replied: 0, closed: 1 })
})

describe('receivedAtOf / shanghaiClock', () => {
  const now = new Date('2026-11-29T06:30:00Z') // 14:30 in Shanghai
  test('a day and a Shanghai clock time become an instant with its zone', () => {
    expect(shanghaiClock(now)).toBe('14:30')
    expect(receivedAtOf('2026-11-28', '09:05', now)).toEqual({ at: '2026-11-28T09:05:00+08:00' })
    expect(receivedAtOf('2026-11-29', '14:30', now)).toEqual({ at: '2026-11-29T14:30:00+08:00' })
  })
  test('a time still to come, or an incomplete one, is refused before asking the server', () => {
    expect(receivedAtOf('2026-11-29', '14:31', now)).toEqual({ problem: '接收时间不能晚于现在' })
    expect(receivedAtOf('2026-11-29', '24:00', now)).toEqual({ problem: '请选择接收日期和时间' })
    expect(receivedAtOf('', '10:00', now)).toEqual({ problem: '请选择接收日期和时间' })
  })
})
