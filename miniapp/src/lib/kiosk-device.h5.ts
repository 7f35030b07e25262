/**
 * The window tablet's identity and storage (issue 18, H5 only): an ECDSA P-256 key pair made by
 * WebCrypto with the private key non-extractable — the browser can sign with it but no script,
 * ours included, can read it out — kept as a CryptoKey object in IndexedDB (structured clone keeps
 * it non-extractable). Nobody types or sees a secret. The same database holds the outbox.
 */
import { INGEST_HEADERS } from '../../../shared/ingest.ts'
import type { EcPublicJwk, KioskWindow } from '../../../shared/kiosk.ts'
import { getConfig } from './config.ts'
import { functionAnswer } from './functions.ts'
import type { KioskOutboxEntry, KioskOutboxStorage } from './kiosk-outbox.ts'

const DB_NAME = 'hcp-kiosk'
const DEVICE = 'device'
const OUTBOX = 'outbox'

export interface KioskDevice {
  keyId: string
  privateKey: CryptoKey
  window: KioskWindow
  pairedAt: string
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

let opened: Promise<IDBDatabase> | null = null
function db(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1)
    req.onupgradeneeded = () => {
      req.result.createObjectStore(DEVICE)
      req.result.createObjectStore(OUTBOX, { keyPath: 'external_id' })
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  return opened
}

async function store(name: string, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await db()).transaction(name, mode).objectStore(name)
}

/** Waits for a write's transaction to commit (durable), not just for the request. */
async function write(name: string, work: (s: IDBObjectStore) => void): Promise<void> {
  const tx = (await db()).transaction(name, 'readwrite')
  work(tx.objectStore(name))
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error)
  })
}

export async function loadDevice(): Promise<KioskDevice | null> {
  return ((await request((await store(DEVICE, 'readonly')).get('current'))) as KioskDevice | undefined) ?? null
}

export const saveDevice = (device: KioskDevice) => write(DEVICE, (s) => s.put(device, 'current'))
/** Forgets the credential (after a revocation, to pair again); the outbox is kept. */
export const forgetDevice = () => write(DEVICE, (s) => s.delete('current'))

/** A new key pair: the private key cannot be exported, ever. */
export async function newKeyPair(): Promise<{ privateKey: CryptoKey; publicJwk: EcPublicJwk }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return { privateKey: pair.privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' } }
}

export const outboxStorage: KioskOutboxStorage = {
  all: async () => (await request((await store(OUTBOX, 'readonly')).getAll())) as KioskOutboxEntry[],
  put: (entry) => write(OUTBOX, (s) => s.put(entry)),
  remove: (id) => write(OUTBOX, (s) => s.delete(id)),
}

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')

async function post(name: string, headers: Record<string, string>, body: string): Promise<unknown> {
  const { apiUrl, anonKey } = getConfig()
  return functionAnswer(() => fetch(`${apiUrl}/functions/v1/${name}`, {
    method: 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json', ...headers },
    body,
    cache: 'no-store',
  }))
}

/** POST kiosk-pair: the code and the public half; answers the key id and window. */
export const pairRequest = (code: string, publicJwk: EcPublicJwk) => post('kiosk-pair', {}, JSON.stringify({ code, public_key: publicJwk }))

/** A device request signed with the tablet's key (shared/kiosk.ts): ECDSA over "<ts>\n<body>". */
export async function signedPost(device: Pick<KioskDevice, 'keyId' | 'privateKey'>, name: 'kiosk-feed' | 'ratings-ingest', body: unknown): Promise<unknown> {
  const raw = JSON.stringify(body)
  const ts = String(Math.floor(Date.now() / 1000))
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, device.privateKey, new TextEncoder().encode(`${ts}\n${raw}`))
  return post(name, { [INGEST_HEADERS.keyId]: device.keyId, [INGEST_HEADERS.timestamp]: ts, [INGEST_HEADERS.signature]: hex(sig) }, raw)
}
