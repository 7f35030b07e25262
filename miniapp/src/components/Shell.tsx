import type { PropsWithChildren } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { goHome } from '../lib/nav.ts'
import { useSettings } from '../lib/settings.ts'

/**
 * Every page's frame: applies 大字模式 (one font size that every `em` below scales from) and,
 * except on 首页, ends with a large 返回首页 button (older users lose the small back arrow).
 */
export function Shell({ title, children, home = false }: PropsWithChildren<{ title?: string; home?: boolean }>) {
  const { largeText } = useSettings()
  return (
    <View className={`shell${largeText ? ' shell--large' : ''}`} data-testid='shell' data-large={largeText ? 'on' : 'off'}>
      {title ? <Text className='page-title'>{title}</Text> : null}
      {children}
      {home ? null : (
        <View className='shell__home'>
          <Button className='btn btn--secondary' data-testid='go-home' onClick={goHome}>
            返回首页
          </Button>
        </View>
      )}
    </View>
  )
}
