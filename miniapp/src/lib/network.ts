/**
 * "The network is back": WeChat/Alipay report it through onNetworkStatusChange, browsers
 * through the `online` event. The outbox flushes on it.
 */
import Taro from '@tarojs/taro'

export function onNetworkBack(callback: () => void): void {
  if (process.env.TARO_ENV === 'h5') {
    if (typeof window !== 'undefined') window.addEventListener('online', callback)
    return
  }
  Taro.onNetworkStatusChange((res) => {
    if (res.isConnected) callback()
  })
}
