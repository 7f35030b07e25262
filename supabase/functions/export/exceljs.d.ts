/**
 * Types of exceljs's streaming writer (npm exceljs, MIT), the module
 * `exceljs/lib/stream/xlsx/workbook-writer.js` (CommonJS: module.exports = WorkbookWriter).
 * The function imports that module rather than the package's main file, which also loads the
 * streaming *reader* and with it unzipper → fstream, whose top level calls process.umask() and
 * so needs Deno's --allow-sys (the local router and the test runner do not grant it). exceljs's
 * own index.d.ts cannot be used either: it starts with `/// <reference types="node" />`, which
 * `deno check` cannot resolve from this repository's manual node_modules. Same names and shapes
 * as exceljs's declarations, trimmed to what is used.
 */
export interface Font {
  bold?: boolean;
}
export interface ColumnSpec {
  header?: string;
  key?: string;
  width?: number;
}
export type CellValue = string | number | boolean | Date | null | undefined | { formula: string } | { text: string };
export interface Cell {
  value: CellValue;
  text: string;
}
export interface Row {
  font: Partial<Font>;
  values: CellValue[];
  getCell(index: number): Cell;
  commit(): void;
}
export interface Worksheet {
  name: string;
  rowCount: number;
  columns: ColumnSpec[];
  getRow(index: number): Row;
  addRow(values: CellValue[]): Row;
  eachRow(callback: (row: Row, rowNumber: number) => void): void;
  commit(): void;
}
export interface WorksheetOptions {
  views?: Array<{ state: 'frozen'; xSplit?: number; ySplit?: number }>;
}
export interface WorkbookWriterOptions {
  /** A Node Writable (writers.ts passes a PassThrough). */
  stream?: unknown;
  filename?: string;
  useStyles?: boolean;
  useSharedStrings?: boolean;
}
export default class WorkbookWriter {
  constructor(options: WorkbookWriterOptions);
  creator: string;
  addWorksheet(name: string, options?: WorksheetOptions): Worksheet;
  commit(): Promise<void>;
}
