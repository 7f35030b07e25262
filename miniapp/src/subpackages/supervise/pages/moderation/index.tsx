import { useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import { useAction } from '../../../../lib/useAction.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { levelName } from '../../../../lib/levels.ts'
import { tagName } from '../../../../lib/rating-form.ts'
import { moderateComment, moderationQueue, type ModerationRow } from '../../../../lib/moderation-api.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'
import '../../supervise.scss'

/** One comment: its text, where it was said, WeChat's verdict; approve or reject with an optional note. */
function ModerationCard({ row, onDone }: { row: ModerationRow; onDone: (notice: string) => void }) {
  const [note, setNote] = useState('')
  const { busy, error, run } = useAction()
  const decide = (approve: boolean) =>
    run(async () => {
      await moderateComment(row.id, approve, note.trim() === '' ? null : note.trim())
      onDone(approve ? '已通过：该评论将在差评公示中显示' : '已驳回：该评论不会公开，差评本身仍照常公示')
    })
  return (
    <View className='card' data-testid='moderation-item' data-id={row.id}>
      <View className='wo__head'>
        {row.check_suggest === 'review' ? (
          <Text className='badge badge--warn' data-testid='moderation-review'>
            机审疑似：请重点审核
          </Text>
        ) : (
          <Text className='badge badge--info'>机审通过</Text>
        )}
      </View>
      <Text className='wo__title'>{row.unit_name}</Text>
      <Text className='card__line'>
        {row.region_name} · {row.matter_name ?? '窗口服务评价'} · {levelName(Number(row.level))} · {row.rated_on}
      </Text>
      {row.tags && row.tags.length > 0 ? <Text className='card__line'>原因：{row.tags.map(tagName).join('、')}</Text> : null}
      <Text className='card__strong' data-testid='moderation-comment'>
        “{row.comment}”
      </Text>
      <Text className='hint'>提交审核于 {instantLabel(row.queued_at)}。审核只看内容是否适合公开（不含辱骂、个人信息、违法信息等），不评判差评是否成立。</Text>
      <Text className='field-label'>审核意见（选填，最多 200 字）</Text>
      <Textarea
        className='textarea'
        data-testid='moderation-note'
        value={note}
        maxlength={200}
        placeholderStyle={PLACEHOLDER_STYLE}
        onInput={(e) => setNote(e.detail.value)}
      />
      {error ? <ErrorBlock message={error} /> : null}
      <View className='decide-pair'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='moderation-approve' onClick={() => decide(true)}>
          通过，公开显示
        </Button>
        <Button className='btn btn--secondary' data-testid='moderation-reject' onClick={() => decide(false)}>
          驳回，不公开
        </Button>
      </View>
    </View>
  )
}

function Queue() {
  const { state, reload } = useAsync(moderationQueue)
  const [notice, setNotice] = useState<string | null>(null)
  return (
    <View>
      <Text className='hint'>
        评价人同意公开的差评评论，经微信内容安全检测后，由本辖区监督员审核通过才会在“差评公示”中显示。检测为违规的评论不会进入此列表，也不会公开。这里不显示评价人和办件编号。
      </Text>
      <Notice text={notice} testid='moderation-done' />
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='没有待审核的评论' /> : null}
      {state.status === 'done'
        ? state.data.map((row) => (
            <ModerationCard
              key={row.id}
              row={row}
              onDone={(n) => {
                setNotice(n)
                reload()
              }}
            />
          ))
        : null}
    </View>
  )
}

export default function ModerationPage() {
  return (
    <Shell title='评论公开审核'>
      <LoginGate reason='监督员登录后审核公开评论'>{() => <Queue />}</LoginGate>
    </Shell>
  )
}
