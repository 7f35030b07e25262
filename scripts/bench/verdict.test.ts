import { disagreements } from './verdict.ts';

const row = (name: string, same: boolean) => ({ query: { name }, same });

test('a run where every stats() answer equals its direct aggregate has no disagreements', () => {
  expect(disagreements({ stats: { rows: [row('region-month', true)], afterJob: [{ name: 'region-month', same: true }] } })).toEqual([]);
  expect(disagreements({})).toEqual([]);
});

test('each query that disagrees, before or after the default job, is named', () => {
  expect(disagreements({
    stats: { rows: [row('region-month', true), row('unit-year', false)], afterJob: [{ name: 'region-month', same: false }] },
  })).toEqual([
    'stats unit-year: stats() and the direct aggregate disagree',
    'stats region-month after the default job: stats() and the direct aggregate disagree',
  ]);
});

test('差评预警 whose counts differ from the daily rollup\'s is named', () => {
  expect(disagreements({ stats: { rows: [row('region-month', true)], warnings: { same: true } } })).toEqual([]);
  expect(disagreements({ stats: { rows: [row('region-month', true)], warnings: { same: false } } }))
    .toEqual(['early_warnings: its counts and those from rating_daily disagree']);
});
