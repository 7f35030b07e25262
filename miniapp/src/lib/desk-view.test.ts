import {
  base64ToBytes,
  byteSizeLabel,
  exportFileNameOf,
  exportUrl,
  handlerLabel,
  recentMonths,
} from './desk-view.ts'
import { bytesToBase64 } from './evidence-check.ts'

describe('months', () => {
  test('this month (not over) and the eleven before it, across the year end', () => {
    const m = recentMonths('2026-01-15')
    expect(m).toHaveLength(12)
    expect(m[0]).toEqual({ period: '2026-01', label: '2026年1月（本月，未结束）', over: false })
    expect(m[1]).toEqual({ period: '2025-12', label: '2025年12月', over: true })
    expect(m[11]?.period).toBe('2025-02')
  })
})

describe('export', () => {
  const req = { kind: 'ratings', format: 'csv', from: '2026-10-01', to: '2026-10-31', region: '530902' } as const
  test('the URL carries exactly the function\'s parameters', () => {
    expect(exportUrl('http://127.0.0.1:54321/', req)).toBe(
      'http://127.0.0.1:54321/functions/v1/export?kind=ratings&format=csv&from=2026-10-01&to=2026-10-31&region=530902',
    )
    expect(exportUrl('https://api.example.cn', { ...req, kind: 'work_orders', format: 'xlsx', region: null })).toBe(
      'https://api.example.cn/functions/v1/export?kind=work_orders&format=xlsx&from=2026-10-01&to=2026-10-31',
    )
  })
  test('a request the function would refuse is refused before sending', () => {
    expect(() => exportUrl('http://x', { ...req, from: '2026-11-01' })).toThrow()
    expect(() => exportUrl('http://x', { ...req, region: '5309' })).toThrow()
  })
  test('file name: from Content-Disposition when it is a plain name, else the function\'s rule', () => {
    expect(exportFileNameOf(req, 'attachment; filename="haochaping-ratings-530902-2026-10-01-2026-10-31.csv"')).toBe(
      'haochaping-ratings-530902-2026-10-01-2026-10-31.csv',
    )
    expect(exportFileNameOf(req, null)).toBe('haochaping-ratings-530902-2026-10-01-2026-10-31.csv')
    expect(exportFileNameOf(req, 'attachment; filename="../../etc/passwd"')).toBe('haochaping-ratings-530902-2026-10-01-2026-10-31.csv')
  })
})

describe('evidence', () => {
  test('base64ToBytes undoes bytesToBase64 for every padding', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256)
      expect([...base64ToBytes(bytesToBase64(bytes.buffer))]).toEqual([...bytes])
    }
    expect([...base64ToBytes('iVBORw0KGgo=')]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  })
  test('sizes in words', () => {
    expect(byteSizeLabel(40)).toBe('40 字节')
    expect(byteSizeLabel(2048)).toBe('2.0 KB')
    expect(byteSizeLabel(3 * 1024 * 1024)).toBe('3.0 MB')
  })
})

test('handlerLabel: the current 承办人, or that none is assigned', () => {
  const h = { user_id: '00000000-0000-4000-8000-000000000002', masked_name: '林*', role: 'staff', realname_verified: true, is_handler: false } as const
  expect(handlerLabel([h])).toBe('承办人：未指定（核实人将自动成为承办人）')
  expect(handlerLabel([h, { ...h, user_id: '00000000-0000-4000-8000-000000000003', masked_name: '赵*', role: 'unit_admin', is_handler: true }])).toBe('承办人：赵*（单位管理员）')
})
