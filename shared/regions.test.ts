import { overseenRegions, REGIONS } from './regions.ts';

const ALL = ['530900', '530902', '530921', '530922', '530923', '530924', '530925', '530926', '530927'];

test('a city supervisor oversees the city first, then its eight counties; the city reads （全市）', () => {
  const city = overseenRegions(['530900']);
  expect(city.map((r) => r.code)).toEqual(ALL);
  expect(city.map((r) => r.code)).toEqual(REGIONS.map((r) => r.code));
  expect(city[0]).toEqual({ code: '530900', name: '临沧市', label: '临沧市（全市）' });
  expect(city[2]).toEqual({ code: '530921', name: '凤庆县', label: '凤庆县' });
});

test('a county supervisor oversees that county alone', () => {
  expect(overseenRegions(['530921'])).toEqual([{ code: '530921', name: '凤庆县', label: '凤庆县' }]);
});

test('several scopes, overlapping or in any order: REGIONS order (widest first), each region once', () => {
  const both = overseenRegions(['530921', '530900']);
  expect(both.map((r) => r.code)).toEqual(ALL);
  expect(both.filter((r) => r.code === '530921')).toHaveLength(1);
  expect(overseenRegions(['530927', '530902']).map((r) => r.code)).toEqual(['530902', '530927']);
});

test('no scope, or a code that is no region: nothing', () => {
  expect(overseenRegions([])).toEqual([]);
  expect(overseenRegions(['999999', ''])).toEqual([]);
});
