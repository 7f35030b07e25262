/**
 * transactions (SPEC §5): business systems push 办件 and their status changes, up to 500 items
 * a batch, signed with their HMAC key (scheme: shared/ingest.ts, checks: _shared/hmac.ts).
 * Each item is one status of one 办件 (shared/ingest.ts TransactionItem); (办件编号, status) is
 * applied once, a 办件 never moves backwards, 办结 starts its rating window (R5). Answers 200
 * `{ results: [{ index, project_no, status: created|updated|ignored|replayed|rejected, id?, code?,
 * message?, details? }], summary }`; a request refused as a whole is a 4xx and writes nothing.
 */
import { TransactionItem } from '../_shared/contract/ingest.ts';
import { ingestBatch } from '../_shared/hmac.ts';
import { handle } from '../_shared/http.ts';

export const handler = handle('transactions', (req) =>
  ingestBatch(req, { endpoint: 'transactions', item: TransactionItem, idField: 'project_no', rpc: 'ingest_transactions' }));
