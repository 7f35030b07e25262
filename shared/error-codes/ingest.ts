/** Errors of machine-to-machine ingestion: business systems and rating devices (HMAC-signed batches). Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const INGEST_ERRORS = {
} as const satisfies ErrorTable;
