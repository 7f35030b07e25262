/**
 * Reading a function's own settings once at module top (`supabase secrets set NAME=…`): a
 * missing one stops the function at start, not in the middle of a citizen's request.
 */
export function requiredEnv(name: string): string {
  const value = Deno.env.get(name);
  if (value === undefined || value.trim() === '') throw new Error(`environment variable ${name} is required`);
  return value;
}

/** A positive integer setting with a default (timeouts). */
export function intEnv(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`environment variable ${name} must be a positive integer`);
  return n;
}

/** A PEM setting whose newlines arrived escaped (`\n`, as dotenv files and CLIs often pass them) restored. */
export const pemEnv = (name: string): string => requiredEnv(name).replace(/\\n/g, '\n');

/** PEM (any label) or bare base64 → DER bytes, as platforms hand keys out either way. */
export function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const b64 = pem.replace(/\\n/g, '').replace(/-----(BEGIN|END)[^-]+-----/g, '').replace(/\s+/g, '');
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
