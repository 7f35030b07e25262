/** Errors of logging in through WeChat / Alipay and binding a real name. Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const IDENTITY_ERRORS = {
} as const satisfies ErrorTable;
