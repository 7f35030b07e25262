/**
 * The rating form's rules, the client twin of check_rating_input (R1, R7): a level, tags of that
 * level (at least one for a 差评), a comment of at most 500 characters. The server decides;
 * this only says it first, in the same words (shared/errors.ts).
 */
import { ERRORS } from '../../../shared/errors.ts'
import { MAX_COMMENT_LENGTH, TAGS, isBadLevel, tagViolation, type Level } from '../../../shared/tags.ts'

export interface RatingDraft {
  level: Level | null
  tags: string[]
  comment: string
  anonymous: boolean
}

export const EMPTY_DRAFT: RatingDraft = { level: null, tags: [], comment: '', anonymous: false }

/** Characters as the database counts them (char_length: code points, not UTF-16 units). */
export function commentLength(comment: string): number {
  return [...comment.trim()].length
}

/** The problem that keeps the form from being sent, in the words the server would use; null when fine. */
export function draftProblem(draft: RatingDraft): string | null {
  if (draft.level === null) return '请先选择满意程度'
  const violation = tagViolation(draft.level, draft.tags)
  if (violation) return ERRORS[violation].message
  if (commentLength(draft.comment) > MAX_COMMENT_LENGTH) return ERRORS.comment_too_long.message
  return null
}

/** Choosing another level drops the tags of the old one (tags belong to their level, R7). */
export function withLevel(draft: RatingDraft, level: Level): RatingDraft {
  if (draft.level === level) return draft
  return { ...draft, level, tags: [] }
}

export function toggleTag(draft: RatingDraft, code: string): RatingDraft {
  const tags = draft.tags.includes(code) ? draft.tags.filter((t) => t !== code) : [...draft.tags, code]
  return { ...draft, tags }
}

export function tagsRequired(level: Level | null): boolean {
  return level !== null && isBadLevel(level)
}

export function tagName(code: string): string {
  return TAGS.find((t) => t.code === code)?.name ?? code
}

/** Trimmed comment, or null when empty (the server stores null too). */
export function commentValue(comment: string): string | null {
  const t = comment.trim()
  return t === '' ? null : t
}

/** What real-name and anonymous mean, one line each, shown under the choice. */
export const IDENTITY_NOTES = {
  // Said as R13 has it (issue 21.6): the handler of a real-name 差评 sees a masked name and phone, for the 回访.
  realname: '实名评价：办理单位看不到您的完整姓名、手机号和身份证号。若是差评，负责处理的工作人员可看到您的姓氏和部分手机号（如 张*、138****5678），仅用于回访告知整改结果，每次查看都有记录。',
  anonymous: '匿名评价：不会有人回访您，整改结果只在“公开”页公布。',
} as const
