/**
 * Per-device settings kept in Taro storage: 大字模式 (适老化 large text) and whether the citizen
 * wants progress messages for their 差评. Pages subscribe, so a switch in 我的 applies at once.
 */
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { z } from 'zod'
import { largeTextFromSystem } from './care-mode.ts'

export const SETTINGS_KEY = 'hcp.settings'

export const Settings = z.object({
  largeText: z.boolean(),
})
export type Settings = z.infer<typeof Settings>

const DEFAULTS: Settings = { largeText: false }

/** The system's text size, where the platform says it; nothing on H5 (the browser zooms by itself). */
function systemLargeText(): boolean {
  try {
    if (process.env.TARO_ENV === 'weapp') {
      const wxApi = (globalThis as { wx?: { getAppBaseInfo?: () => { fontSizeScaleFactor?: number } } }).wx
      return largeTextFromSystem(wxApi?.getAppBaseInfo?.())
    }
    if (process.env.TARO_ENV === 'alipay') {
      const myApi = (globalThis as { my?: { getSystemInfoSync?: () => { fontSizeSetting?: number } } }).my
      return largeTextFromSystem(myApi?.getSystemInfoSync?.())
    }
  } catch {
    // An older base library without the API: the in-app switch still works.
  }
  return false
}

let current: Settings | null = null
const listeners = new Set<(s: Settings) => void>()

export function loadSettings(): Settings {
  if (current) return current
  let stored: unknown = null
  try {
    stored = Taro.getStorageSync(SETTINGS_KEY)
  } catch {
    stored = null
  }
  const parsed = Settings.partial().safeParse(stored)
  const system: Partial<Settings> = parsed.success && parsed.data.largeText !== undefined ? {} : { largeText: systemLargeText() }
  current = { ...DEFAULTS, ...system, ...(parsed.success ? parsed.data : {}) }
  return current
}

export function saveSettings(change: Partial<Settings>): Settings {
  current = { ...loadSettings(), ...change }
  Taro.setStorageSync(SETTINGS_KEY, current)
  for (const l of [...listeners]) l(current)
  return current
}

export function useSettings(): Settings {
  const [settings, setSettings] = useState<Settings>(() => loadSettings())
  useEffect(() => {
    listeners.add(setSettings)
    // Another page may have changed them while this one was hidden.
    setSettings(loadSettings())
    return () => {
      listeners.delete(setSettings)
    }
  }, [])
  return settings
}
