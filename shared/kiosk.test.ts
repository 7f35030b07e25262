/** shared/kiosk.ts: the P-256 point check and the one form of an ECDSA signature the replay guard keeps. */
import { webcrypto } from 'node:crypto';
import { isP256Point, lowSSignature } from './kiosk.ts';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

test('a real public key is a point of P-256; a tampered or foreign one is not', async () => {
  for (let i = 0; i < 20; i++) {
    const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
    const jwk = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
    expect(isP256Point({ x: jwk.x!, y: jwk.y! })).toBe(true);
    const flipped = (jwk.y!.startsWith('A') ? 'B' : 'A') + jwk.y!.slice(1);
    expect(isP256Point({ x: jwk.x!, y: flipped })).toBe(false);
  }
  expect(isP256Point({ x: 'A'.repeat(43), y: 'A'.repeat(43) })).toBe(false);
  // p itself is not a coordinate.
  expect(isP256Point({ x: '_____wAAAAEAAAAAAAAAAAAAAAD_______________8', y: 'A'.repeat(43) })).toBe(false);
});

test('lowSSignature: a signature and its twin (r, n − s) have one form, with s in the lower half', () => {
  for (let i = 0; i < 200; i++) {
    const bytes = webcrypto.getRandomValues(new Uint8Array(64));
    const hex = Buffer.from(bytes).toString('hex');
    const s = BigInt(`0x${hex.slice(64)}`) % N;
    const sig = hex.slice(0, 64) + s.toString(16).padStart(64, '0');
    const twin = hex.slice(0, 64) + (N - s).toString(16).padStart(64, '0');
    const low = lowSSignature(sig)!;
    expect(lowSSignature(twin)).toBe(low);
    expect(BigInt(`0x${low.slice(64)}`) <= N / 2n).toBe(true);
    expect(low.slice(0, 64)).toBe(hex.slice(0, 64));
  }
  expect(lowSSignature('ab'.repeat(32))).toBeNull();
  expect(lowSSignature('AB'.repeat(64))).toBeNull();
});
