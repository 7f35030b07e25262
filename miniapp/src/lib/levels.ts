/**
 * How the five levels (R1) are shown: always the word, plus a face and a number of stars, so
 * that no choice is told apart by colour alone.
 */
import { LEVEL_NAMES, LEVELS, isBadLevel, type Level } from '../../../shared/tags.ts'

export interface LevelChoice {
  level: Level
  name: string
  face: string
  stars: string
  /** 好评 / 中评 / 差评 (R1). */
  kind: '好评' | '中评' | '差评'
}

// Unicode 6.0 faces: present in every phone's emoji font (newer ones like 🙂 are not).
const FACES: Record<Level, string> = { 5: '😄', 4: '😊', 3: '😐', 2: '😟', 1: '😠' }

export function levelKind(level: number): LevelChoice['kind'] {
  if (isBadLevel(level)) return '差评'
  return level === 3 ? '中评' : '好评'
}

export function isLevel(value: number): value is Level {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5
}

export function levelChoice(level: Level): LevelChoice {
  return { level, name: LEVEL_NAMES[level], face: FACES[level], stars: '★'.repeat(level) + '☆'.repeat(5 - level), kind: levelKind(level) }
}

/** Best first, as the national pages order them. */
export const LEVEL_CHOICES: readonly LevelChoice[] = LEVELS.map(levelChoice)

export function levelName(level: number): string {
  return isLevel(level) ? LEVEL_NAMES[level] : `等级 ${level}`
}
