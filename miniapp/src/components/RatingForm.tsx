import { useEffect, useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import { MAX_COMMENT_LENGTH, tagsForLevel, type Level } from '../../../shared/tags.ts'
import { LEVEL_CHOICES, levelChoice } from '../lib/levels.ts'
import { newIdempotencyKey, type Outcome, type OutboxEntry } from '../lib/outbox-core.ts'
import { onOutboxChange, outbox } from '../lib/outbox.ts'
import {
  EMPTY_DRAFT,
  IDENTITY_NOTES,
  commentLength,
  commentValue,
  draftProblem,
  tagsRequired,
  toggleTag,
  withLevel,
  type RatingDraft,
} from '../lib/rating-form.ts'
import type { Session } from '../lib/session.ts'
import { RatingDone } from './RatingDone.tsx'
import { ErrorBlock } from './StatusBlock.tsx'
import './RatingForm.scss'
import { PLACEHOLDER_STYLE } from '../lib/tokens.ts'

export type RatingTarget =
  | { kind: 'transaction'; id: string; title: string }
  | { kind: 'visit'; id: string; staffId: string | null; title: string }

/**
 * Accessibility attributes for a choice: `role` + `aria-*` on H5 (the DOM), `aria-role` +
 * `aria-*` on WeChat and Alipay, whose screen readers read those names.
 */
function a11y(role: 'radiogroup' | 'radio' | 'group' | 'checkbox', o: { checked?: boolean; label?: string }): Record<string, string> {
  const out: Record<string, string> = process.env.TARO_ENV === 'h5' ? { role } : { 'aria-role': role }
  if (o.checked !== undefined) out['aria-checked'] = o.checked ? 'true' : 'false'
  if (o.label) out['aria-label'] = o.label
  return out
}

export function LevelPicker({ value, onChange }: { value: Level | null; onChange: (l: Level) => void }) {
  return (
    // Announced as one choice of five by screen readers (issue 15.6): radiogroup / radio with
    // aria-checked on H5, aria-role on the mini-programs (WeChat's and Alipay's accessibility names).
    <View className='levels' data-testid='levels' {...a11y('radiogroup', { label: '满意程度，五选一' })}>
      {LEVEL_CHOICES.map((c) => {
        const selected = value === c.level
        return (
          <View
            key={c.level}
            className={`level${selected ? ' level--selected' : ''}${c.kind === '差评' ? ' level--bad' : ''}`}
            data-testid={`level-${c.level}`}
            data-selected={selected ? 'yes' : 'no'}
            {...a11y('radio', { checked: selected, label: `${c.name}${selected ? '，已选' : ''}` })}
            onClick={() => onChange(c.level)}
          >
            <Text className='level__face'>{c.face}</Text>
            <View className='level__body'>
              <Text className='level__name'>{c.name}</Text>
              <Text className='level__stars'>{c.stars}</Text>
            </View>
            <Text className='level__mark'>{selected ? '✓ 已选' : ''}</Text>
          </View>
        )
      })}
    </View>
  )
}

function TagPicker({ level, value, onToggle }: { level: Level; value: string[]; onToggle: (code: string) => void }) {
  const required = tagsRequired(level)
  return (
    <View data-testid='tags'>
      <Text className='field-label'>
        {required ? '请选择不满意的原因（必选，可多选）' : '选择您的感受（可选，可多选）'}
      </Text>
      <View className='tags' {...a11y('group', { label: required ? '不满意的原因，可多选' : '感受，可多选' })}>
        {tagsForLevel(level).map((t) => {
          const on = value.includes(t.code)
          return (
            <View
              key={t.code}
              className={`tag${on ? ' tag--on' : ''}`}
              data-testid={`tag-${t.code}`}
              data-selected={on ? 'yes' : 'no'}
              {...a11y('checkbox', { checked: on, label: t.name })}
              onClick={() => onToggle(t.code)}
            >
              <Text>{on ? `✓ ${t.name}` : t.name}</Text>
            </View>
          )
        })}
      </View>
    </View>
  )
}

/**
 * The rating form of a 办件 or a window visit. Submitting stores the rating in the outbox with
 * its idempotency key first, then sends it: a double tap, a retry or a reconnect sends the same
 * key, so the server counts it once; without network it waits in storage (outbox.ts).
 */
export function RatingForm({ session, target }: { session: Session; target: RatingTarget }) {
  const [draft, setDraftState] = useState<RatingDraft>(EMPTY_DRAFT)
  const [problem, setProblem] = useState<string | null>(null)
  // Any change answers the last complaint: it is said again only on the next submit.
  const setDraft = (change: (d: RatingDraft) => RatingDraft) => {
    setProblem(null)
    setDraftState(change)
  }
  const [busy, setBusy] = useState(false)
  const [more, setMore] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const [waiting, setWaiting] = useState<OutboxEntry | undefined>(() => outbox.pendingFor(session.user.id, target.kind, target.id))

  useEffect(() => {
    setWaiting(outbox.pendingFor(session.user.id, target.kind, target.id))
  }, [session.user.id, target.kind, target.id])

  // A waiting rating sent in the background (network back, app shown): say so on this page too.
  const [sentLater, setSentLater] = useState(false)
  useEffect(() => {
    if (!waiting) return undefined
    const key = waiting.key
    return onOutboxChange(() => {
      const entry = outbox.entries().find((e) => e.key === key)
      if (!entry) {
        setWaiting(undefined)
        setSentLater(true)
      } else if (entry.failed) {
        setWaiting(undefined)
        outbox.remove(key)
        setProblem(entry.failed.message)
      }
    }) as () => void
  }, [waiting])

  const send = async (entry: OutboxEntry) => {
    setBusy(true)
    const result = await outbox.submit(entry)
    setBusy(false)
    if (result.status === 'failed') {
      setWaiting(undefined)
      setProblem(result.error.message)
      return
    }
    setWaiting(result.status === 'queued' ? entry : undefined)
    setOutcome(result)
  }

  const submit = () => {
    if (busy) return
    const why = draftProblem(draft)
    setProblem(why)
    if (why !== null || draft.level === null) return
    const entry = outbox.enqueue({
      key: newIdempotencyKey(),
      user_id: session.user.id,
      kind: target.kind,
      target_id: target.id,
      staff_id: target.kind === 'visit' ? target.staffId : null,
      level: draft.level,
      tags: draft.tags,
      comment: commentValue(draft.comment),
      anonymous: draft.anonymous,
      title: target.title,
    })
    void send(entry)
  }

  if (outcome && outcome.status === 'sent') return <RatingDone result={outcome.result} />
  if (sentLater) {
    return (
      <View className='card' data-testid='sent-later'>
        <Text className='card__title'>✓ 网络已恢复，评价已提交</Text>
        <Text className='card__line'>感谢您的参与。处理进度可在“我的评价”中查看。</Text>
      </View>
    )
  }
  if (waiting) {
    return (
      <View className='card' data-testid='queued'>
        <Text className='card__title'>评价已保存在手机上</Text>
        <Text className='card__line'>
          {outcome?.status === 'queued' && outcome.error.code !== 'network_error' ? `${outcome.error.message}。` : '网络不给力。'}
          网络恢复后会自动提交，不会重复提交，请不要担心。
        </Text>
        <Text className='card__line'>您的评价：{levelChoice(waiting.level as Level).name}</Text>
        <View className='card__actions'>
          <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='retry-send' onClick={() => void send(waiting)}>
            {busy ? '正在提交…' : '立即重试'}
          </Button>
        </View>
      </View>
    )
  }

  const length = commentLength(draft.comment)
  return (
    <View className='rating-form' data-testid='rating-form'>
      <Text className='field-label'>您对这次服务满意吗？（请点选一项）</Text>
      <LevelPicker value={draft.level} onChange={(l) => setDraft((d) => withLevel(d, l))} />
      {draft.level !== null && (tagsRequired(draft.level) || draft.level < 4 || more) ? (
        <TagPicker level={draft.level} value={draft.tags} onToggle={(code) => setDraft((d) => toggleTag(d, code))} />
      ) : null}
      {/* 4–5 stars: nothing more is needed, so the tags wait under 补充（可选） (issue 21.5). */}
      {draft.level !== null && draft.level >= 4 && !more ? (
        <View className='more-toggle' data-testid='more-toggle' onClick={() => setMore(true)}>
          <Text>补充（可选）：选择您的感受 ▾</Text>
        </View>
      ) : null}

      <Text className='field-label'>想说的话（选填）</Text>
      <Textarea
        className='textarea'
        data-testid='comment'
        value={draft.comment}
        maxlength={MAX_COMMENT_LENGTH}
        placeholderStyle={PLACEHOLDER_STYLE} placeholder='可以写下具体情况，最多 500 字'
        autoHeight
        onInput={(e) => {
          const value = e.detail.value
          setDraft((d) => ({ ...d, comment: value }))
        }}
      />
      <Text className={`counter${length > MAX_COMMENT_LENGTH ? ' counter--over' : ''}`} data-testid='counter'>
        已输入 {length} / {MAX_COMMENT_LENGTH} 字
      </Text>

      <Text className='field-label'>评价方式</Text>
      <View className='identity'>
        {([false, true] as const).map((anonymous) => {
          const on = draft.anonymous === anonymous
          return (
            <View
              key={String(anonymous)}
              className={`identity__choice${on ? ' identity__choice--on' : ''}`}
              data-testid={anonymous ? 'identity-anonymous' : 'identity-realname'}
              data-selected={on ? 'yes' : 'no'}
              onClick={() => setDraft((d) => ({ ...d, anonymous }))}
            >
              <Text className='identity__name'>
                {on ? '◉ ' : '○ '}
                {anonymous ? '匿名评价' : '实名评价（推荐）'}
              </Text>
              <Text className='identity__note'>{anonymous ? IDENTITY_NOTES.anonymous : IDENTITY_NOTES.realname}</Text>
            </View>
          )
        })}
      </View>

      {problem ? <ErrorBlock message={problem} /> : null}
      {/* Once a level is chosen, 提交评价 stays in reach at the bottom of the screen (issue 21.5). */}
      <Button
        className={`btn btn--primary rating-form__submit${draft.level !== null ? ' rating-form__submit--sticky' : ''}${busy ? ' btn--busy' : ''}`}
        data-testid='submit'
        onClick={submit}
      >
        {busy ? '正在提交…' : '提交评价'}
      </Button>
    </View>
  )
}
