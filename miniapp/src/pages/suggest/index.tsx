import { useState } from 'react'
import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import { LoginGate } from '../../components/LoginGate.tsx'
import { Shell } from '../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { myComments, submitComment, unitsOfRegion, whoami } from '../../lib/api.ts'
import { COMMENT_KINDS, MAX_SUGGESTION_LENGTH, commentProblem, commentStatusLabel, kindLabel, type CommentKind } from '../../lib/comment-form.ts'
import { AppError } from '../../lib/errors.ts'
import { instantLabel } from '../../lib/pending.ts'
import { commentLength, commentValue } from '../../lib/rating-form.ts'
import { summarizeWhoami } from '../../lib/roles.ts'
import { useAction } from '../../lib/useAction.ts'
import { useAsync } from '../../lib/useAsync.ts'
import { PLACEHOLDER_STYLE } from '../../lib/tokens.ts'

async function loadUnits() {
  const identity = summarizeWhoami(await whoami())
  return unitsOfRegion(identity?.regionCode ?? null)
}

function CommentForm({ onSent }: { onSent: () => void }) {
  const units = useAsync(loadUnits)
  const [kind, setKind] = useState<CommentKind>('suggestion')
  const [unitId, setUnitId] = useState<string | null>(null)
  const [content, setContent] = useState('')
  const [contact, setContact] = useState('')
  const { busy, error, setError, run } = useAction()
  const [sent, setSent] = useState(false)

  const submit = () =>
    run(async () => {
      const why = commentProblem(content, contact)
      if (why) throw new AppError('invalid_input', why)
      await submitComment(kind, content.trim(), unitId, commentValue(contact))
      setSent(true)
      setContent('')
      onSent()
    })

  if (sent) {
    return (
      <View className='card' data-testid='comment-sent'>
        <Text className='card__title'>✓ 已提交，感谢您的意见</Text>
        <Text className='card__line'>我们会转交相关单位办理，答复会显示在下方“我提交的意见”中。</Text>
        <Button className='btn btn--secondary card__actions' onClick={() => setSent(false)}>
          再写一条
        </Button>
      </View>
    )
  }
  const n = commentLength(content)
  return (
    <View className='card' data-testid='comment-form'>
      <Text className='field-label'>类型</Text>
      {COMMENT_KINDS.map((k) => (
        <View
          key={k.kind}
          className={`identity__choice${kind === k.kind ? ' identity__choice--on' : ''}`}
          data-testid={`kind-${k.kind}`}
          onClick={() => setKind(k.kind)}
        >
          <Text className='identity__name'>
            {kind === k.kind ? '◉ ' : '○ '}
            {k.label}
          </Text>
        </View>
      ))}
      <Text className='field-label'>相关单位（选填）</Text>
      {units.state.status === 'loading' ? <Loading /> : null}
      {units.state.status === 'error' ? <ErrorBlock message={units.state.error.message} onRetry={units.reload} /> : null}
      {units.state.status === 'done' ? (
        <View>
          {[{ id: null as string | null, name: '不指定，由政务服务管理局转交' }, ...units.state.data.map((u) => ({ id: u.id as string | null, name: u.name }))].map((u) => (
            <View
              key={u.id ?? 'none'}
              className={`identity__choice${unitId === u.id ? ' identity__choice--on' : ''}`}
              data-testid={`unit-${u.id ?? 'none'}`}
              onClick={() => setUnitId(u.id)}
            >
              <Text className='identity__name'>
                {unitId === u.id ? '◉ ' : '○ '}
                {u.name}
              </Text>
            </View>
          ))}
        </View>
      ) : null}
      <Text className='field-label'>内容</Text>
      <Textarea
        className='textarea'
        data-testid='comment-content'
        value={content}
        maxlength={MAX_SUGGESTION_LENGTH}
        placeholderStyle={PLACEHOLDER_STYLE} placeholder='请写下您的意见、建议或遇到的问题'
        onInput={(e) => {
          setError(null)
          setContent(e.detail.value)
        }}
      />
      <Text className={`counter${n > MAX_SUGGESTION_LENGTH ? ' counter--over' : ''}`}>
        已输入 {n} / {MAX_SUGGESTION_LENGTH} 字
      </Text>
      <Text className='field-label'>联系方式（选填）</Text>
      <Input className='input' data-testid='comment-contact' value={contact} maxlength={100} placeholderStyle={PLACEHOLDER_STYLE} placeholder='手机号，方便单位答复您' onInput={(e) => setContact(e.detail.value)} />
      <Text className='hint'>联系方式只给处理的单位看，且只显示部分号码。</Text>
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary card__actions${busy ? ' btn--busy' : ''}`} data-testid='comment-submit' onClick={() => void submit()}>
        {busy ? '正在提交…' : '提交'}
      </Button>
    </View>
  )
}

function MyComments({ version }: { version: number }) {
  const { state, reload } = useAsync(myComments)
  const [seen, setSeen] = useState(version)
  if (seen !== version) {
    setSeen(version)
    reload()
  }
  return (
    <View>
      <Text className='field-label'>我提交的意见</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='还没有提交过意见' /> : null}
      {state.status === 'done'
        ? state.data.map((c) => (
            <View key={c.id} className='card' data-testid='my-comment'>
              <Text className='card__line'>
                <Text className='badge badge--info'>{kindLabel(c.kind)}</Text>
                {commentStatusLabel(c.status)} · {instantLabel(c.created_at)}
              </Text>
              <Text className='card__line'>{c.content}</Text>
              {c.unit_name ? <Text className='card__line'>办理单位：{c.unit_name}</Text> : null}
              {c.reply ? <Text className='card__strong'>答复：{c.reply}</Text> : null}
            </View>
          ))
        : null}
    </View>
  )
}

export default function SuggestPage() {
  const [version, setVersion] = useState(0)
  return (
    <Shell title='意见建议'>
      <LoginGate reason='登录后可以提交意见建议，并查看单位的答复。'>
        {() => (
          <View>
            <CommentForm onSent={() => setVersion((v) => v + 1)} />
            <MyComments version={version} />
          </View>
        )}
      </LoginGate>
    </Shell>
  )
}
