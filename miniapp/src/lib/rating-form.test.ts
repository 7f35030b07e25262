import { ERRORS } from '../../../shared/errors.ts';
import { tagsForLevel } from '../../../shared/tags.ts';
import { EMPTY_DRAFT, IDENTITY_NOTES, commentLength, commentValue, draftProblem, tagName, tagsRequired, toggleTag, withLevel } from './rating-form.ts';
import { LEVEL_CHOICES, levelKind, levelName } from './levels.ts';

test('no level yet: the form asks for one', () => {
  expect(draftProblem(EMPTY_DRAFT)).toBe('请先选择满意程度');
});

test('a 差评 needs a tag of its level, in the server’s own words (R7)', () => {
  const bad = withLevel(EMPTY_DRAFT, 1);
  expect(tagsRequired(1)).toBe(true);
  expect(draftProblem(bad)).toBe(ERRORS.tag_required.message);
  expect(draftProblem(toggleTag(bad, '115'))).toBeNull();
  expect(draftProblem(toggleTag(bad, '214'))).toBe(ERRORS.invalid_tag_for_level.message);
  expect(draftProblem(withLevel(EMPTY_DRAFT, 5))).toBeNull();
  expect(tagsRequired(3)).toBe(false);
});

test('choosing another level drops the old level’s tags; a second tap on a tag removes it', () => {
  const d = toggleTag(toggleTag(withLevel(EMPTY_DRAFT, 2), '213'), '214');
  expect(d.tags).toEqual(['213', '214']);
  expect(toggleTag(d, '213').tags).toEqual(['214']);
  expect(withLevel(d, 2)).toBe(d);
  expect(withLevel(d, 1).tags).toEqual([]);
});

test('the comment counts characters as the database does, up to 500', () => {
  const d = withLevel(EMPTY_DRAFT, 4);
  expect(commentLength('  窗口服务很好  ')).toBe(6);
  expect(commentLength('😀'.repeat(500))).toBe(500);
  expect(draftProblem({ ...d, comment: '好'.repeat(500) })).toBeNull();
  expect(draftProblem({ ...d, comment: '好'.repeat(501) })).toBe(ERRORS.comment_too_long.message);
  expect(commentValue('   ')).toBeNull();
  expect(commentValue(' 很好 ')).toBe('很好');
});

test('every level is a word, a face and stars (never colour alone), best first', () => {
  expect(LEVEL_CHOICES.map((c) => c.name)).toEqual(['非常满意', '满意', '基本满意', '不满意', '非常不满意']);
  expect(new Set(LEVEL_CHOICES.map((c) => c.face)).size).toBe(5);
  expect(LEVEL_CHOICES.map((c) => c.stars)).toEqual(['★★★★★', '★★★★☆', '★★★☆☆', '★★☆☆☆', '★☆☆☆☆']);
  expect([1, 2, 3, 4, 5].map(levelKind)).toEqual(['差评', '差评', '中评', '好评', '好评']);
  expect(levelName(9)).toBe('等级 9');
});

test('tags show their national names; real-name and anonymous each say what they mean for follow-up', () => {
  for (const t of tagsForLevel(1)) expect(tagName(t.code)).toBe(t.name);
  expect(tagName('999')).toBe('999');
  expect(IDENTITY_NOTES.realname).toContain('回访');
  expect(IDENTITY_NOTES.anonymous).toContain('不会有人回访');
});
