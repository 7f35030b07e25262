/**
 * 我的 → 实名认证: the form that asks our backend for a nonce, gets a ticket carrying it from the
 * provincial identity platform and binds it (realname-bind). Shown only when the account is not verified yet; without a configured
 * platform address it explains instead of showing a form that cannot work.
 */
import { useState, type ReactNode } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { ErrorBlock } from './StatusBlock.tsx'
import { toAppError } from '../lib/errors.ts'
import {
  REALNAME_CONSENT_MISSING,
  REALNAME_CONSENT_TEXT,
  bindRealname,
  idpUrl,
  realnameProblems,
  requestTicket,
  type RealnameField,
  type RealnameInput,
} from '../lib/realname.ts'
import { ensurePrivacyConsent } from '../lib/privacy-consent.ts'
import { PLACEHOLDER_STYLE } from '../lib/tokens.ts'
import { appFetch } from '../lib/platform.ts'
import { realnameNonce } from '../lib/settings-api.ts'
import './Settings.scss'

export const REALNAME_WHY = '实名后，您的差评会有工作人员回访并答复；姓名和身份证号码加密保存，页面上只显示打码后的姓名（如 张*）。'

export function RealnameBind({ onBound }: { onBound: (maskedName: string) => void }) {
  const base = idpUrl()
  const [form, setForm] = useState<RealnameInput>({ name: '', idNumber: '', phone: '' })
  const [problems, setProblems] = useState<Partial<Record<RealnameField, string>>>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Separate from the privacy guide's consent, unticked until the citizen ticks it (PIPL Art. 29).
  const [consent, setConsent] = useState(false)
  const [consentProblem, setConsentProblem] = useState(false)

  if (base === null) {
    // Not configured here: say where it can be done, in a citizen's words (issue 15.2).
    return (
      <View data-testid='realname-unavailable'>
        <Text className='card__line'>{REALNAME_WHY}</Text>
        <Text className='notice' data-testid='realname-unavailable-message'>
          实名认证请在“一部手机办事通”中完成。不实名也可以正常评价。
        </Text>
      </View>
    )
  }

  const set = (field: RealnameField) => (e: { detail: { value: string } }) => {
    setForm((f) => ({ ...f, [field]: e.detail.value }))
    setProblems((p) => ({ ...p, [field]: undefined }))
  }

  const submit = async () => {
    if (busy) return
    const found = realnameProblems(form)
    setProblems(found)
    setConsentProblem(!consent)
    if (Object.keys(found).length > 0 || !consent) {
      // The consent's own hint says what is missing; the summary only for field problems.
      setError(Object.keys(found).length > 0 ? '请按提示修改后再提交' : null)
      return
    }
    setBusy(true)
    setError(null)
    try {
      // The privacy guide's consent too (a no-op once given; on H5 this is where it is asked).
      if (!(await ensurePrivacyConsent())) {
        setError('需要同意隐私保护指引后才能实名认证')
        return
      }
      // The nonce binds the platform's ticket to this session: realname-bind refuses it elsewhere.
      const { nonce } = await realnameNonce()
      const ticket = await requestTicket(base, form, nonce, appFetch)
      const res = await bindRealname(ticket)
      onBound(res.user.masked_name)
    } catch (err) {
      setError(toAppError(err).message)
    } finally {
      setBusy(false)
    }
  }

  const field = (name: RealnameField, label: string, input: ReactNode) => (
    <View>
      <Text className='field-label'>{label}</Text>
      {input}
      {problems[name] ? (
        <Text className='hint hint--error' data-testid={`realname-problem-${name}`}>
          ⚠ {problems[name]}
        </Text>
      ) : null}
    </View>
  )

  return (
    <View data-testid='realname-form'>
      <Text className='card__line'>{REALNAME_WHY}</Text>
      {field('name', '姓名', <Input className='input' data-testid='realname-name' value={form.name} maxlength={50} placeholderStyle={PLACEHOLDER_STYLE} placeholder='与身份证一致' onInput={set('name')} />)}
      {field('idNumber', '身份证号码', <Input className='input' data-testid='realname-id' type='idcard' value={form.idNumber} maxlength={18} placeholderStyle={PLACEHOLDER_STYLE} placeholder='18 位' onInput={set('idNumber')} />)}
      {field('phone', '手机号码', <Input className='input' data-testid='realname-phone' type='number' value={form.phone} maxlength={11} placeholderStyle={PLACEHOLDER_STYLE} placeholder='11 位手机号' onInput={set('phone')} />)}
      <View
        className={`consent-row${consent ? ' consent-row--on' : ''}`}
        data-testid='realname-consent'
        {...({ role: 'checkbox', 'aria-checked': consent } as Record<string, unknown>)}
        onClick={() => {
          setConsent((c) => !c)
          setConsentProblem(false)
        }}
      >
        <Text className='consent-row__box'>{consent ? '☑' : '☐'}</Text>
        <Text className='consent-row__text'>{REALNAME_CONSENT_TEXT}</Text>
      </View>
      {consentProblem ? (
        <Text className='hint hint--error' data-testid='realname-problem-consent'>
          ⚠ {REALNAME_CONSENT_MISSING}
        </Text>
      ) : null}
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary card__actions${busy ? ' btn--busy' : ''}`} data-testid='realname-submit' onClick={() => void submit()}>
        {busy ? '正在认证…' : '提交实名认证'}
      </Button>
    </View>
  )
}
