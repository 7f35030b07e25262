import type { PropsWithChildren } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { goHome } from '../lib/nav.ts'
import { useSettings } from '../lib/settings.ts'
import { PrivacyConsent } from './PrivacyConsent.tsx'
import { consoleOf, DeskNav } from './DeskNav.tsx'
import { TopBar } from './TopBar.tsx'
import Taro from '@tarojs/taro'

/**
 * Every page's frame: applies 大字模式 (one font size that every `em` below scales from) and,
 * except on 首页, ends with a large 返回首页 button (older users lose the small back arrow).
 */
export function Shell({ title, children, home = false }: PropsWithChildren<{ title?: string; home?: boolean }>) {
  const { largeText } = useSettings()
  // Staff, supervisor and admin pages: the desk layout with a left navigation at ≥ 1024 px (issue 21.2).
  const desk = process.env.TARO_ENV === 'h5' && consoleOf(Taro.getCurrentInstance().router?.path) !== null
  // H5 has no mini-program navigation bar: every page but 首页 (which has its own header) gets a
  // top bar with its title, 返回 and 首页 (issue 21.7); the title is said there, not twice.
  const topbar = process.env.TARO_ENV === 'h5' && !home
  return (
    <View
      className={`shell${largeText ? ' shell--large' : ''}${desk ? ' shell--desk' : ''}`}
      data-testid='shell'
      data-large={largeText ? 'on' : 'off'}
    >
      {desk ? <DeskNav /> : null}
      {topbar ? <TopBar title={title ?? '好差评 · 掌上评'} /> : null}
      {title && !topbar ? <Text className='page-title'>{title}</Text> : null}
      {children}
      {/* The privacy pop-up, on whichever page needs the consent (issue 15.1). */}
      <PrivacyConsent />
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
