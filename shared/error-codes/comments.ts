/** Errors of 综合点评, 回访抽查 and third-party assessments (R18). Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const COMMENT_ERRORS = {
} as const satisfies ErrorTable;
