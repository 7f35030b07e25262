/** Errors of the 差评 loop: work orders, appeals, return visits, comments (R8–R14, R18). Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const WORK_ORDER_ERRORS = {
} as const satisfies ErrorTable;
