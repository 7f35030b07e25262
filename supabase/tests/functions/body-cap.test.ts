/**
 * Issue 13 point 7: the unauthenticated endpoints read a body with a hard cap, streamed. A
 * chunked body without Content-Length used to be read whole (req.arrayBuffer()) before its size
 * was checked, so one caller could make a function hold any amount in memory. Now reading stops
 * as soon as the cap is passed: 413 with a code, the request stream cancelled, nothing written.
 * Proved twice: at the handler with a counting stream (how much was pulled, that it was
 * cancelled), and over a real socket against Deno.serve (the 413 arrives while the client is
 * still sending, long before the body it meant to send).
 */
import { assertEquals, assertMatch } from './assert.ts';
import { handler as transactions } from '../../functions/transactions/handler.ts';
import { handler as ratingsIngest } from '../../functions/ratings-ingest/handler.ts';
import { authDev } from '../../functions/auth-dev/handler.ts';
import { MAX_JSON_BODY_BYTES } from '../../functions/_shared/http.ts';
import { MAX_BODY_BYTES } from '../../../shared/ingest.ts';
import { CHINESE, connectDb, type Db, demoPad, demoSystem, writeCounts } from './ingest_support.ts';

const db: Db = await connectDb();
const CHUNK = 64 * 1024;

/** A body of up to `total` bytes ('[' then spaces), produced on demand; counts what was pulled. */
function endlessBody(total: number) {
  const state = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(CHUNK).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) return controller.close();
      const part = state.pulled === 0 ? Uint8Array.from([0x5b, ...chunk.subarray(1)]) : chunk;
      state.pulled += part.byteLength;
      controller.enqueue(part);
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

function signedHeaders(keyId: string): Headers {
  return new Headers({
    'content-type': 'application/json',
    'x-hcp-key-id': keyId,
    'x-hcp-timestamp': String(Math.floor(Date.now() / 1000)),
    // Any well-formed signature: the size is checked before the key is looked up.
    'x-hcp-signature': 'ab'.repeat(32),
  });
}

Deno.test('ingestion: a chunked body over 2 MiB without Content-Length is 413 batch_too_large, read no further than the cap', async () => {
  for (const [name, handler, key] of [
    ['transactions', transactions, demoSystem('530902').keyId],
    ['ratings-ingest', ratingsIngest, demoPad('530902').keyId],
  ] as const) {
    const before = await writeCounts(db);
    const { stream, state } = endlessBody(64 * 1024 * 1024);
    const req = new Request(`http://functions.local/${name}`, { method: 'POST', headers: signedHeaders(key), body: stream });
    assertEquals(req.headers.get('content-length'), null);
    const res = await handler(req);
    const body = await res.json();
    assertEquals({ name, status: res.status, code: body.code, details: body.details }, { name, status: 413, code: 'batch_too_large', details: { max_bytes: MAX_BODY_BYTES } });
    assertMatch(body.message, CHINESE);
    // Stopped within one chunk of the cap, and the rest of the stream was cancelled, never read.
    if (state.pulled > MAX_BODY_BYTES + CHUNK) throw new Error(`${name} pulled ${state.pulled} bytes for a cap of ${MAX_BODY_BYTES}`);
    assertEquals({ name, cancelled: state.cancelled }, { name, cancelled: true });
    assertEquals(await writeCounts(db), before);
  }
});

Deno.test('ingestion: a body at the cap is still read (and then judged by its signature)', async () => {
  const { stream, state } = endlessBody(MAX_BODY_BYTES);
  const res = await transactions(new Request('http://functions.local/transactions', { method: 'POST', headers: signedHeaders(demoSystem('530902').keyId), body: stream }));
  assertEquals({ status: res.status, code: (await res.json()).code }, { status: 401, code: 'signature_invalid' });
  assertEquals(state.pulled, MAX_BODY_BYTES);
});

Deno.test('a declared Content-Length over the cap is refused before reading', async () => {
  const { stream, state } = endlessBody(8 * 1024 * 1024);
  const headers = signedHeaders(demoSystem('530902').keyId);
  headers.set('content-length', String(8 * 1024 * 1024));
  const res = await transactions(new Request('http://functions.local/transactions', { method: 'POST', headers, body: stream }));
  assertEquals({ status: res.status, code: (await res.json()).code }, { status: 413, code: 'batch_too_large' });
  assertEquals(state.pulled, 0);
});

Deno.test('JSON endpoints (readJson): a chunked body over 64 KiB is 413 body_too_large, stream cancelled', async () => {
  const { stream, state } = endlessBody(16 * 1024 * 1024);
  const res = await authDev(true)(new Request('http://functions.local/auth-dev', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream }));
  const body = await res.json();
  assertEquals({ status: res.status, code: body.code }, { status: 413, code: 'body_too_large' });
  assertMatch(body.message, CHINESE);
  if (state.pulled > MAX_JSON_BODY_BYTES + CHUNK) throw new Error(`auth-dev pulled ${state.pulled} bytes for a cap of ${MAX_JSON_BODY_BYTES}`);
  assertEquals(state.cancelled, true);
});

/** Reads from the socket until the response head and its JSON body (or the end of the connection). */
async function readResponse(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(16 * 1024);
  let text = '';
  while (!(text.includes('\r\n\r\n') && text.trimEnd().endsWith('}'))) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return text;
}

Deno.test('over a real socket: Deno.serve answers 413 while a chunked upload of 256 MiB is still being sent', async () => {
  const ac = new AbortController();
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, signal: ac.signal, onListen: () => {} }, transactions);
  const before = await writeCounts(db);
  const conn = await Deno.connect({ hostname: '127.0.0.1', port: server.addr.port });
  const planned = 256 * 1024 * 1024;
  let sent = 0;
  let stopped = false;
  const headers = signedHeaders(demoSystem('530902').keyId);
  const head = `POST /transactions HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: chunked\r\n` +
    [...headers].map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  const encoder = new TextEncoder();
  const payload = new Uint8Array(CHUNK).fill(0x20);
  const frame = new Uint8Array([...encoder.encode(`${CHUNK.toString(16)}\r\n`), ...payload, ...encoder.encode('\r\n')]);
  const writer = (async () => {
    try {
      await conn.write(encoder.encode(head));
      while (!stopped && sent < planned) {
        let off = 0;
        while (off < frame.length) off += await conn.write(frame.subarray(off));
        sent += CHUNK;
      }
      if (!stopped) await conn.write(encoder.encode('0\r\n\r\n'));
    } catch {
      // The server may close the connection once it has answered: the upload simply ends.
    }
  })();
  const response = await readResponse(conn);
  const sentWhenAnswered = sent;
  stopped = true;
  try { conn.close(); } catch { /* already closed */ }
  await writer;
  ac.abort();
  await server.finished;

  assertMatch(response, /^HTTP\/1\.1 413 /);
  assertMatch(response, /"code":"batch_too_large"/);
  // The answer came while the client was still sending: the server never waited for (or kept) it all.
  if (sentWhenAnswered >= planned) throw new Error(`the 413 came only after the whole ${planned}-byte body was sent`);
  assertEquals(await writeCounts(db), before);
});
