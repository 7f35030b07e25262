/**
 * A WebSocket-shaped class over `Taro.connectSocket`, handed to supabase-js as
 * `realtime: { transport }` on mini-programs (Realtime's client refuses to construct without a
 * WebSocket). It opens lazily — Realtime only connects when a channel subscribes — and buffers
 * `send` until the platform socket task exists.
 */
import Taro from '@tarojs/taro'

type Listener<E> = ((event: E) => void) | null

export class MiniWebSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3

  readonly url: string
  readonly protocol = ''
  readyState: number = MiniWebSocket.CONNECTING
  binaryType: 'arraybuffer' | 'blob' = 'arraybuffer'
  bufferedAmount = 0
  /** Phoenix sets this for its long-poll fallback; unused here. */
  timeout?: number

  onopen: Listener<{ type: 'open' }> = null
  onmessage: Listener<{ type: 'message'; data: string | ArrayBuffer }> = null
  onerror: Listener<{ type: 'error'; message: string }> = null
  onclose: Listener<{ type: 'close'; code: number; reason: string; wasClean: boolean }> = null

  private task: Taro.SocketTask | null = null
  private pending: Array<string | ArrayBuffer> = []

  constructor(url: string | { href: string }, protocols?: string | string[]) {
    this.url = typeof url === 'string' ? url : url.href
    const list = protocols === undefined ? undefined : Array.isArray(protocols) ? protocols : [protocols]
    Taro.connectSocket({ url: this.url, protocols: list })
      .then((task) => {
        this.task = task
        task.onOpen(() => {
          this.readyState = MiniWebSocket.OPEN
          for (const data of this.pending.splice(0)) task.send({ data })
          this.bufferedAmount = 0
          this.onopen?.({ type: 'open' })
        })
        task.onMessage((res) => this.onmessage?.({ type: 'message', data: res.data }))
        task.onError((res) => this.onerror?.({ type: 'error', message: res.errMsg }))
        task.onClose((res) => {
          this.readyState = MiniWebSocket.CLOSED
          this.onclose?.({ type: 'close', code: res.code, reason: res.reason, wasClean: true })
        })
        if (this.readyState === MiniWebSocket.CLOSING) task.close({})
      })
      .catch((err: unknown) => {
        this.readyState = MiniWebSocket.CLOSED
        this.onerror?.({ type: 'error', message: String(err) })
        this.onclose?.({ type: 'close', code: 1006, reason: 'connect failed', wasClean: false })
      })
  }

  send(data: string | ArrayBuffer): void {
    if (this.task && this.readyState === MiniWebSocket.OPEN) {
      this.task.send({ data })
      return
    }
    this.pending.push(data)
    this.bufferedAmount += typeof data === 'string' ? data.length : data.byteLength
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === MiniWebSocket.CLOSED) return
    this.readyState = MiniWebSocket.CLOSING
    this.task?.close({ code, reason })
  }
}
