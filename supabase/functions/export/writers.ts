/**
 * Streaming writers: rows arrive page by page (an async iterable of pages) and leave as bytes
 * while the next page is still being read, so memory holds about one page, whatever the period.
 *   CSV:  UTF-8 with a BOM (Excel then opens Chinese text correctly), CRLF, RFC 4180 quoting;
 *         a text cell starting with = + - @ or a control character gets a leading ' so that a
 *         spreadsheet never runs it as a formula (CSV injection).
 *   XLSX: exceljs's streaming WorkbookWriter (rows committed as they are written, into a zip
 *         stream), turned into a web ReadableStream; production waits while the reader is behind.
 */
// @ts-types="./exceljs.d.ts"
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import type { Cell, Column, Row } from './columns.ts';

/** The two node:stream classes used here, as far as they are used. */
interface PassThroughLike {
  readonly readableLength: number;
  readonly readableHighWaterMark: number;
  destroy(err?: Error): void;
}
interface NodeStream {
  PassThrough: new (opts: { highWaterMark: number }) => PassThroughLike;
  Readable: { toWeb(stream: PassThroughLike): ReadableStream<Uint8Array> };
}
// exceljs writes into a Node stream. `deno check` cannot type node: builtins against this
// repository's manual node_modules (it looks for an @types/node it cannot find), so the module
// is loaded by a specifier it does not follow and typed by the shapes above.
const nodeStreamSpecifier = 'node:stream';
const { PassThrough, Readable } = await import(nodeStreamSpecifier) as NodeStream;

const encoder = new TextEncoder();
const BOM = '\uFEFF';

function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csvLine = (cells: Cell[]): string => cells.map(csvCell).join(',') + '\r\n';

export function csvStream(columns: Column[], pages: AsyncIterator<Row[]>): ReadableStream<Uint8Array> {
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(BOM + csvLine(columns.map((c) => c.header))));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((row) => csvLine(columns.map((c) => c.cell(row)))).join('')));
    },
    async cancel() {
      await pages.return?.();
    },
  }, { highWaterMark: 1 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function xlsxStream(columns: Column[], pages: AsyncIterator<Row[]>, sheetName: string, onError: (err: unknown) => void): ReadableStream<Uint8Array> {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const workbook = new WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = '临沧市政务服务“好差评”系统';
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  let cancelled = false;

  void (async () => {
    try {
      for (;;) {
        const next = await pages.next();
        if (next.done || cancelled) break;
        for (const row of next.value) sheet.addRow(columns.map((c) => c.cell(row))).commit();
        // The reader is behind: wait rather than buffer the whole export.
        while (!cancelled && out.readableLength >= out.readableHighWaterMark) await sleep(5);
      }
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      onError(err);
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();

  const web = Readable.toWeb(out);
  const reader = web.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      cancelled = true;
      await reader.cancel(reason);
      await pages.return?.();
    },
  });
}
