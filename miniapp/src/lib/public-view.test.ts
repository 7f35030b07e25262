import { publicationLine } from './public-view.ts'

const now = new Date('2026-11-29T04:00:00Z') // 2026-11-29 12:00 in Shanghai

test('a published month says when (Shanghai day) and with which note', () => {
  const published = [{ period: '2026-10', published_at: '2026-11-02T17:30:00Z', note: '经核对无误' }]
  expect(publicationLine('2026-10', published, now)).toBe('2026年10月结果已于2026年11月3日正式公布：经核对无误')
  expect(publicationLine('2026-10', [{ ...published[0]!, note: null }], now)).toBe('2026年10月结果已于2026年11月3日正式公布')
})

test('a month not published reads as live figures, the current one as not over yet', () => {
  expect(publicationLine('2026-09', [], now)).toBe('2026年9月结果尚未正式公布，以下为实时统计')
  expect(publicationLine('2026-11', [], now)).toBe('2026年11月尚未结束，以下为实时统计')
})
