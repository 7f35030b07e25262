/**
 * A WHATWG `Headers` for mini-programs, which have none. supabase-js and postgrest-js call
 * `new Headers(init)` and `has/get/set`; webpack's ProvidePlugin (config/index.ts, `mini` only)
 * hands this class to every module that names `Headers`. Names are case-insensitive and kept
 * lower-case, as in the spec.
 */
type HeadersLike = { forEach(cb: (value: string, name: string) => void): void }
export type HeadersShimInit =
  | HeadersLike
  | ReadonlyArray<readonly [string, string]>
  | Record<string, string | undefined>
  | undefined

function isHeadersLike(init: unknown): init is HeadersLike {
  return typeof init === 'object' && init !== null && typeof (init as HeadersLike).forEach === 'function' && !Array.isArray(init)
}

export class HeadersShim {
  private readonly map = new Map<string, string>()

  constructor(init?: HeadersShimInit) {
    if (init === undefined || init === null) return
    if (Array.isArray(init)) {
      for (const [name, value] of init as ReadonlyArray<readonly [string, string]>) this.append(name, value)
    } else if (isHeadersLike(init)) {
      init.forEach((value, name) => this.append(name, value))
    } else {
      for (const [name, value] of Object.entries(init as Record<string, string | undefined>)) {
        if (value !== undefined) this.append(name, value)
      }
    }
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase()
    const prev = this.map.get(key)
    this.map.set(key, prev === undefined ? String(value) : `${prev}, ${value}`)
  }

  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), String(value))
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase())
  }

  delete(name: string): void {
    this.map.delete(name.toLowerCase())
  }

  forEach(cb: (value: string, name: string, parent: HeadersShim) => void): void {
    for (const [name, value] of this.entries()) cb(value, name, this)
  }

  *entries(): IterableIterator<[string, string]> {
    const names = [...this.map.keys()].sort()
    for (const name of names) yield [name, this.map.get(name) ?? '']
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  /** A plain object for `Taro.request({ header })`. */
  toRecord(): Record<string, string> {
    return Object.fromEntries(this.entries())
  }
}
