/**
 * The privacy pop-up (issue 15.1): shown on whichever page is open when the platform or the app
 * needs consent to the privacy guide (lib/privacy-consent.ts). The agree button is the platforms'
 * `open-type="agreePrivacyAuthorization"` button, so one tap records the consent with WeChat or
 * Alipay too; declining closes the pop-up and the pending privacy call fails.
 */
import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { PRIVACY_SUMMARY } from '../lib/privacy.ts'
import { AGREE_BUTTON_ID, decidePrivacy, onPrivacyRequest, openPlatformContract } from '../lib/privacy-consent.ts'
import './PrivacyConsent.scss'

const IS_WEAPP = process.env.TARO_ENV === 'weapp'

export function PrivacyConsent() {
  const [open, setOpen] = useState(false)
  const [details, setDetails] = useState(false)
  useEffect(() => onPrivacyRequest(setOpen) as () => void, [])
  if (!open) return null
  const agree = () => decidePrivacy(true)
  return (
    <View className='privacy-mask' data-testid='privacy-consent'>
      <View className='privacy-dialog' {...({ role: 'dialog', 'aria-modal': 'true', 'aria-label': '用户隐私保护指引' } as Record<string, unknown>)}>
        <Text className='privacy-dialog__title'>用户隐私保护指引</Text>
        <Text className='privacy-dialog__line'>
          在您使用“好差评”评价政务服务前，请阅读《好差评小程序用户隐私保护指引》。我们只为评价、整改答复和依法报送收集必要的信息：
        </Text>
        {PRIVACY_SUMMARY.map((line) => (
          <Text key={line} className='privacy-dialog__item'>
            · {line}
          </Text>
        ))}
        {details ? (
          <Text className='privacy-dialog__line' data-testid='privacy-details'>
            数据存放在政务云上，不出境；工作人员看不到您的姓名、电话和身份证号。您可以随时在“我的”中查看完整的隐私说明。
          </Text>
        ) : null}
        <Button
          className='privacy-dialog__link'
          data-testid='privacy-read'
          onClick={() => {
            if (!openPlatformContract()) setDetails(true)
          }}
        >
          阅读完整的《用户隐私保护指引》
        </Button>
        <View className='privacy-dialog__actions'>
          <Button className='btn btn--secondary' data-testid='privacy-disagree' onClick={() => decidePrivacy(false)}>
            不同意
          </Button>
          <Button
            id={AGREE_BUTTON_ID}
            className='btn btn--primary'
            data-testid='privacy-agree'
            openType='agreePrivacyAuthorization'
            // WeChat reports the agreement as its own event (after recording it); Alipay and H5 as a tap.
            onAgreePrivacyAuthorization={IS_WEAPP ? agree : undefined}
            onClick={IS_WEAPP ? undefined : agree}
          >
            同意
          </Button>
        </View>
      </View>
    </View>
  )
}
