import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TAG_SET } from './tag-set.ts';
import { isBadLevel, TAGS, tagsForLevel, tagViolation } from './tags.ts';

test('the module is the national tag set file, version 2, eight tags per level', () => {
  const file = JSON.parse(readFileSync(path.join(__dirname, 'national-eval-tags.json'), 'utf8'));
  expect(TAG_SET).toEqual(file);
  expect(TAG_SET.version).toBe(2);
  for (const level of [1, 2, 3, 4, 5] as const) expect(tagsForLevel(level)).toHaveLength(8);
  expect(TAGS).toHaveLength(40);
});

test('R1: levels 1 and 2 are 差评', () => {
  expect([1, 2, 3, 4, 5].map(isBadLevel)).toEqual([true, true, false, false, false]);
});

test.each([
  [1, ['115'], undefined],
  [2, ['213', '214'], undefined],
  [5, [], undefined],
  [3, ['309'], undefined],
  [1, [], 'tag_required'],
  [2, [], 'tag_required'],
  [1, ['214'], 'invalid_tag_for_level'], // a level-2 tag on a level-1 rating
  [5, ['115'], 'invalid_tag_for_level'],
  [2, ['201'], 'invalid_tag_for_level'], // retired v1 code
  [2, ['213', '213'], 'invalid_tag_for_level'], // duplicate
  [4, ['x'], 'invalid_tag_for_level'],
])('level %i with tags %j → %s', (level, tags, expected) => {
  expect(tagViolation(level, tags)).toBe(expected);
});
