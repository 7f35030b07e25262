/**
 * A build-time `TARO_APP_*` value that the build may not define. Taro inlines only the names
 * listed in config/index.ts (`env`) or in `.env*` files; any other `process.env.X` is left as is
 * and throws on H5 and the mini-programs, where `process` does not exist. Read such values as
 * `buildValue(() => process.env.TARO_APP_X)`: the text stays for the define to replace, and a
 * missing one reads as undefined.
 */
export function buildValue(read: () => string | undefined): string | undefined {
  try {
    const v = read()
    return typeof v === 'string' ? v : undefined
  } catch {
    return undefined
  }
}
