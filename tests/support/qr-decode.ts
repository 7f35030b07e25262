/**
 * A small QR code reader for tests, written from ISO/IEC 18004 (not from the generator), for
 * clean, upright, computer-made codes such as the printed window sheet's: it reads the module
 * grid from pixels, the format information (BCH-checked), unmasks, walks the data modules in
 * the standard zig-zag, de-interleaves the blocks and parses byte-mode segments. No error
 * correction (a clean image needs none): a wrong module makes it throw or read something else,
 * which the tests then see. Versions 1–10 at error correction level M, the sheet's setting.
 */

/** Alignment pattern centres per version (ISO 18004 Annex E). */
const ALIGNMENT: Record<number, number[]> = {
  1: [], 2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34], 7: [6, 22, 38], 8: [6, 24, 42], 9: [6, 26, 46], 10: [6, 28, 50],
};

/** Level M error-correction blocks per version: [count, total codewords, data codewords] groups (ISO 18004 Table 9). */
const BLOCKS_M: Record<number, Array<[number, number, number]>> = {
  1: [[1, 26, 16]], 2: [[1, 44, 28]], 3: [[1, 70, 44]], 4: [[2, 50, 32]], 5: [[2, 67, 43]], 6: [[4, 43, 27]], 7: [[4, 49, 31]],
  8: [[2, 60, 38], [2, 61, 39]], 9: [[3, 58, 36], [2, 59, 37]], 10: [[4, 69, 43], [1, 70, 44]],
};

const MASKS: Array<(i: number, j: number) => boolean> = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

/** The 15-bit format word of 5 data bits: BCH(15,5) with generator 0x537, masked with 0x5412. */
function formatWord(data: number): number {
  let rem = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((rem >> bit) & 1) rem ^= 0x537 << (bit - 10);
  return ((data << 10) | rem) ^ 0x5412;
}

export interface DecodedQr {
  text: string;
  version: number;
  ecc: 'L' | 'M' | 'Q' | 'H';
  mask: number;
}

/** Reads a module grid (true = dark), row by row. Throws when it is not a readable code. */
export function decodeQrMatrix(m: boolean[][]): DecodedQr {
  const n = m.length;
  const version = (n - 17) / 4;
  if (!Number.isInteger(version) || version < 1 || m.some((row) => row.length !== n)) throw new Error(`not a QR grid: ${n} modules`);
  const at = (r: number, c: number) => m[r]![c]!;

  // Format information, the copy beside the top-left finder (column 8), bit 0 first.
  let word = 0;
  for (let i = 0; i < 15; i++) {
    const row = i < 6 ? i : i < 8 ? i + 1 : n - 15 + i;
    if (at(row, 8)) word |= 1 << i;
  }
  const data = Array.from({ length: 32 }, (_, d) => d).find((d) => formatWord(d) === word);
  if (data === undefined) throw new Error('format information does not check');
  const ecc = (['M', 'L', 'H', 'Q'] as const)[data >> 3]!;
  const mask = data & 7;
  const blocks = BLOCKS_M[version];
  if (ecc !== 'M' || !blocks) throw new Error(`unsupported: version ${version}, level ${ecc}`);

  // Function patterns: finders with separators and format areas, timing, alignment, version info.
  const reserved = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  const mark = (r0: number, c0: number, h: number, w: number) => {
    for (let r = r0; r < r0 + h; r++) for (let c = c0; c < c0 + w; c++) if (r >= 0 && c >= 0 && r < n && c < n) reserved[r]![c] = true;
  };
  mark(0, 0, 9, 9);
  mark(0, n - 8, 9, 8);
  mark(n - 8, 0, 8, 9);
  mark(6, 0, 1, n);
  mark(0, 6, n, 1);
  const centres = ALIGNMENT[version]!;
  for (const r of centres) {
    for (const c of centres) {
      const onFinder = (r < 9 && c < 9) || (r < 9 && c > n - 10) || (r > n - 10 && c < 9);
      if (!onFinder) mark(r - 2, c - 2, 5, 5);
    }
  }
  if (version >= 7) {
    mark(0, n - 11, 6, 3);
    mark(n - 11, 0, 3, 6);
  }

  // Data modules: two-column strips from the right, alternately upwards and downwards.
  const bits: number[] = [];
  let upward = true;
  for (let col = n - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (let k = 0; k < n; k++) {
      const row = upward ? n - 1 - k : k;
      for (const c of [col, col - 1]) {
        if (reserved[row]![c]) continue;
        bits.push(at(row, c) !== MASKS[mask]!(row, c) ? 1 : 0);
      }
    }
    upward = !upward;
  }
  const codewords: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));

  // De-interleave the data codewords of each block (error-correction codewords follow; unused).
  const sizes = blocks.flatMap(([count, , dataLen]) => new Array<number>(count).fill(dataLen));
  const perBlock = sizes.map(() => [] as number[]);
  let next = 0;
  for (let i = 0; i < Math.max(...sizes); i++) {
    sizes.forEach((len, b) => {
      if (i < len) perBlock[b]!.push(codewords[next++]!);
    });
  }
  const stream = perBlock.flat();

  // Segments: byte mode (0100) only; count is 8 bits up to version 9, 16 from 10.
  let pos = 0;
  const read = (len: number) => {
    let v = 0;
    for (let i = 0; i < len; i++, pos++) v = (v << 1) | ((stream[pos >> 3]! >> (7 - (pos & 7))) & 1);
    return v;
  };
  const bytes: number[] = [];
  while (pos + 4 <= stream.length * 8) {
    const mode = read(4);
    if (mode === 0) break;
    if (mode !== 0b0100) throw new Error(`unsupported segment mode ${mode.toString(2)}`);
    const count = read(version < 10 ? 8 : 16);
    for (let i = 0; i < count; i++) bytes.push(read(8));
  }
  return { text: new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes)), version, ecc, mask };
}

/**
 * The module grid of a code drawn as pixels (an upright, unrotated image with a light quiet
 * zone): the module size from the top-left finder's dark run (7 modules), each module sampled
 * at its centre.
 */
export function matrixFromPixels(width: number, height: number, dark: (x: number, y: number) => boolean): boolean[][] {
  let top = -1;
  let left = width;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!dark(x, y)) continue;
      if (top < 0) top = y;
      bottom = y;
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  if (top < 0) throw new Error('no dark pixel');
  let run = 0;
  while (left + run < width && dark(left + run, top)) run++;
  const module = run / 7;
  const n = Math.round((right - left + 1) / module);
  if (Math.abs(bottom - top + 1 - n * module) > module / 2) throw new Error('not square');
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => dark(Math.floor(left + (c + 0.5) * module), Math.floor(top + (r + 0.5) * module))),
  );
}
