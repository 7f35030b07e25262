import { useState, type ReactNode } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { ErrorBlock } from '../../../../components/StatusBlock.tsx'
import { saveErrorMessage } from '../../../../lib/admin-org-api.ts'
import { whoami } from '../../../../lib/api.ts'
import { summarizeWhoami, supervisedRegions } from '../../../../lib/roles.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { REGIONS } from '../../../../../../shared/regions.ts'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/**
 * One create/edit form of the 管理 pages: its fields, 保存 and 取消; a problem found before
 * sending or the server's refusal shown in its words above the buttons.
 */
export function EditForm({ title, testid, check, save, duplicateHint, onDone, onCancel, children }: {
  title: string
  testid: string
  /** A problem with the fields (null: send). */
  check: () => string | null
  save: () => Promise<unknown>
  /** What to change when the server says the name or code is taken. */
  duplicateHint: string
  onDone: () => void
  onCancel: () => void
  children: ReactNode
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async () => {
    if (busy) return
    const problem = check()
    if (problem !== null) {
      setError(problem)
      return
    }
    setBusy(true)
    setError(null)
    try {
      await save()
      onDone()
    } catch (err) {
      setError(saveErrorMessage(err, duplicateHint))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='card org-form' data-testid={`form-${testid}`}>
      <Text className='card__title'>{title}</Text>
      {children}
      {error ? <ErrorBlock message={error} /> : null}
      <View className='org-actions'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid={`submit-${testid}`} onClick={run}>
          {busy ? '正在保存…' : '保存'}
        </Button>
        <Button className='btn btn--secondary' data-testid={`cancel-${testid}`} onClick={onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}

/**
 * An irreversible action behind an inline question (`<testid>-confirm`): `<testid>-yes` runs it,
 * its refusal shown in the server's words; `<testid>-no` (取消) closes.
 */
export function ConfirmPanel({ testid, text, yes = '确认', onYes, onNo }: {
  testid: string
  text: ReactNode
  yes?: string
  onYes: () => Promise<void>
  onNo: () => void
}) {
  const { busy, error, run } = useAction()
  return (
    <View className='confirm' data-testid={`${testid}-confirm`}>
      <Text className='confirm__text'>{text}</Text>
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--danger${busy ? ' btn--busy' : ''}`} data-testid={`${testid}-yes`} onClick={() => run(onYes)}>
        {yes}
      </Button>
      <Button className='btn btn--secondary' data-testid={`${testid}-no`} onClick={onNo}>
        取消
      </Button>
    </View>
  )
}

export function TextInput({ label, testid, value, onChange, max, placeholder }: {
  label: string
  testid: string
  value: string
  onChange: (v: string) => void
  max: number
  placeholder?: string
}) {
  return (
    <View>
      <Text className='field-label'>{label}</Text>
      <Input
        className='input'
        data-testid={testid}
        value={value}
        maxlength={max}
        placeholder={placeholder}
        placeholderStyle={PLACEHOLDER_STYLE}
        onInput={(e) => onChange(e.detail.value)}
      />
    </View>
  )
}

/** A one-of-several choice, large enough to tap. */
export function Choices<T extends string>({ options, label, value, onChange, testid }: {
  options: ReadonlyArray<{ value: T; label: string }>
  label: string
  value: T | null
  onChange: (v: T) => void
  testid: string
}) {
  return (
    <View>
      <Text className='field-label'>{label}</Text>
      <View className='choices'>
        {options.map((o) => (
          <View
            key={o.value}
            className={`choice${value === o.value ? ' choice--on' : ''}`}
            data-testid={`${testid}-${o.value}`}
            data-selected={value === o.value ? 'yes' : 'no'}
            onClick={() => onChange(o.value)}
          >
            {value === o.value ? '◉ ' : '○ '}
            {o.label}
          </View>
        ))}
      </View>
    </View>
  )
}

export interface RegionOption {
  code: string
  name: string
}

/**
 * The regions the signed-in supervisor administers (whoami's supervisor scopes and every region
 * below), and `asked` (a link's `region=`) if it is some other region: the server then answers
 * for it, refusing what the caller may not do.
 */
export async function loadRegionOptions(asked: string | undefined): Promise<RegionOption[]> {
  const options: RegionOption[] = supervisedRegions(summarizeWhoami(await whoami()))
  const extra = REGIONS.find((r) => r.code === asked)
  if (extra && !options.some((o) => o.code === extra.code)) options.push({ code: extra.code, name: extra.name })
  return options
}

export function RegionPicker({ options, value, onChange }: { options: RegionOption[]; value: string; onChange: (code: string) => void }) {
  return (
    <Choices
      label='地区'
      testid='region'
      options={options.map((o) => ({ value: o.code, label: o.name }))}
      value={value}
      onChange={onChange}
    />
  )
}
