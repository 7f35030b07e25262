/**
 * R7: the national evaluation tags (evalDetail codes), by level and version. A 差评 (levels 1–2)
 * must carry at least one current (v2) tag of its own level; any level may carry tags, but
 * only its own. The database's twin is app.tag_violation() over app.eval_tags, proven equal by
 * supabase/tests/database/tags.test.ts.
 */
import { TAG_SET as tagSet } from './tag-set.ts';

export type Level = 1 | 2 | 3 | 4 | 5;
export const LEVELS: readonly Level[] = [5, 4, 3, 2, 1];

export const CURRENT_TAG_VERSION = tagSet.version;

export const LEVEL_NAMES: Record<Level, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

/** R1: levels 1–2 are 差评, 4–5 好评, 3 中评. */
export const isBadLevel = (level: number): boolean => level === 1 || level === 2;

export interface Tag { code: string; level: Level; name: string }

export const TAGS: readonly Tag[] = LEVELS.flatMap((level) =>
  Object.entries(tagSet.levels[String(level) as keyof typeof tagSet.levels].tags).map(([code, name]) => ({ code, level, name })),
);

export function tagsForLevel(level: Level): Tag[] {
  return TAGS.filter((t) => t.level === level);
}

export const MAX_COMMENT_LENGTH = 500;
export const MAX_TAGS = 8;

/** Why a tag choice is refused, as an error code of shared/errors.ts; undefined when valid. */
export type TagViolation = 'tag_required' | 'invalid_tag_for_level' | undefined;

export function tagViolation(level: number, tags: readonly string[]): TagViolation {
  if (tags.length > MAX_TAGS || new Set(tags).size !== tags.length) return 'invalid_tag_for_level';
  const own = new Set(TAGS.filter((t) => t.level === level).map((t) => t.code));
  if (tags.some((code) => !own.has(code))) return 'invalid_tag_for_level';
  if (isBadLevel(level) && tags.length === 0) return 'tag_required';
  return undefined;
}
