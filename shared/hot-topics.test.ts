import { changeText, commentWords, hotTopics, previousPeriod, type TopicSourceRow } from './hot-topics.ts';

const row = (period: 'current' | 'previous', kind: TopicSourceRow['kind'], n: number, extra: Partial<TopicSourceRow> = {}): TopicSourceRow =>
  ({ period, kind, tag_code: null, tag_name: null, body: null, n, ...extra });

test('comments are cut into problem words with Intl.Segmenter, stop words and single characters out', () => {
  expect(typeof Intl.Segmenter).toBe('function');
  const words = commentWords('窗口工作人员态度很差，排队时间太长了，要求反复提交材料 13800000000');
  expect(words).toEqual(expect.arrayContaining(['态度', '排队', '时间', '反复', '提交', '材料', '差']));
  for (const w of ['很', '了', '窗口', '13800000000']) expect(words).not.toContain(w);
  // Once per comment, however often it says it.
  expect(commentWords('排队排队排队').filter((w) => w === '排队')).toHaveLength(1);
});

test('tags and words ranked by this period with the change against the previous one', () => {
  const t = hotTopics([
    row('current', 'total', 10), row('previous', 'total', 6),
    row('current', 'commented', 5), row('previous', 'commented', 4),
    row('current', 'tag', 7, { tag_code: '201', tag_name: '排队时间长' }), row('previous', 'tag', 2, { tag_code: '201', tag_name: '排队时间长' }),
    row('current', 'tag', 1, { tag_code: '105', tag_name: '态度差' }), row('previous', 'tag', 3, { tag_code: '105', tag_name: '态度差' }),
    row('previous', 'tag', 4, { tag_code: '999', tag_name: '只在上期' }),
    row('current', 'comment', 3, { body: '排队太久' }), row('current', 'comment', 2, { body: '材料反复提交，排队' }),
    row('previous', 'comment', 1, { body: '排队' }),
  ]);
  expect(t.total).toEqual({ current: 10, previous: 6 });
  expect(t.tags.map((x) => [x.label, x.current, x.previous, x.change])).toEqual([['排队时间长', 7, 2, 5], ['态度差', 1, 3, -2]]);
  expect(t.tags[0]!.share).toBeCloseTo(0.7);
  const q = t.words.find((w) => w.key === '排队')!;
  expect([q.current, q.previous, q.change]).toEqual([5, 1, 4]);
  expect(t.words[0]!.key).toBe('排队');
  expect(changeText({ current: 2, previous: 0, change: 2 })).toBe('新出现');
  expect(changeText({ current: 1, previous: 3, change: -2 })).toBe('↓2');
});

test('the previous period is as long and ends the day before', () => {
  expect(previousPeriod('2026-03-01', '2026-03-31')).toEqual({ from: '2026-01-29', to: '2026-02-28' });
  expect(previousPeriod('2026-01-01', '2026-01-01')).toEqual({ from: '2025-12-31', to: '2025-12-31' });
});
