/**
 * The H5 top bar (issue 21.7): in a browser there is no mini-program navigation bar, so nothing
 * said which page this is or led back. H5 only: on WeChat and Alipay the platform's own bar
 * does this (and `process.env.TARO_ENV` drops this component from those builds). 返回 goes one
 * page back, or to 首页 when the page was opened directly (a link, a QR code, a reload).
 */
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { goHome } from '../lib/nav.ts'

function back(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack({ delta: 1 }).catch(goHome)
  else goHome()
}

export function TopBar({ title }: { title: string }) {
  if (process.env.TARO_ENV !== 'h5') return null
  return (
    <View className='topbar' data-testid='topbar' role='banner'>
      <View className='topbar__btn' data-testid='topbar-back' role='button' aria-label='返回上一页' onClick={back}>
        ‹ 返回
      </View>
      <View className='topbar__title' data-testid='topbar-title' role='heading' aria-level={1}>
        {title}
      </View>
      <View className='topbar__btn' data-testid='topbar-home' role='button' aria-label='回到首页' onClick={goHome}>
        首页
      </View>
    </View>
  )
}
