/**
 * ratings-ingest (SPEC §5): 评价器, 自助终端, the 12345 hotline and the SMS gateway push ratings,
 * up to 500 a batch, each device signing with its own HMAC key (scheme: shared/ingest.ts,
 * checks: _shared/hmac.ts). Idempotent by (device, external_id): a repeat answers replayed with
 * the first rating's id. A hall device rates only its own hall's 办件 and windows (R4);
 * offline-buffered ratings keep their rated_at and are refused per item (rating_window_closed)
 * only when that time was past the rating window. Answers 200 `{ results: [{ index,
 * external_id, status: created|replayed|rejected, id?, is_bad?, code?, message?, details? }],
 * summary }`; a request refused as a whole is a 4xx and writes nothing.
 */
import { RatingItem } from '../_shared/contract/ingest.ts';
import { ingestBatch } from '../_shared/hmac.ts';
import { handle } from '../_shared/http.ts';

export const handler = handle('ratings-ingest', (req) =>
  ingestBatch(req, { endpoint: 'ratings-ingest', item: RatingItem, idField: 'external_id', rpc: 'ingest_ratings' }));
