/**
 * Errors of the administration screens (units, halls, windows, 事项, people, keys, calendar).
 * Twins of rows in app.error_codes once a migration inserts them; most refusals use the core
 * codes (invalid_input, not_found, forbidden).
 */
import type { ErrorTable } from './table.ts';

export const ADMIN_ERRORS = {} as const satisfies ErrorTable;
