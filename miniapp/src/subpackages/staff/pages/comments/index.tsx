import { useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import { CommentBody, CommentHistory } from '../../../../components/DeskCommentBits.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import type { CommentRow, CommentStatus } from '../../../../../../shared/comments.ts'
import { replyComment, unitComments } from '../../../../lib/desk-comments-api.ts'
import { countByStatus, statusLabel, textProblem, trimText, unitCanReply } from '../../../../lib/desk-comments-view.ts'
import { AppError } from '../../../../lib/errors.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../staff.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

function ReplyForm({ c, onDone }: { c: CommentRow; onDone: (n: string) => void }) {
  const [text, setText] = useState('')
  const { busy, error, setError, run } = useAction()
  const submit = () =>
    run(async () => {
      const p = textProblem(text, true)
      if (p) throw new AppError('invalid_input', p)
      await replyComment(c.id, trimText(text))
      onDone('答复已发送，提出意见的群众可在“意见建议”中看到')
    })
  return (
    <View data-testid='form-reply'>
      <Text className='field-label'>答复内容（群众可见，最多 1000 字）</Text>
      <Textarea className='textarea' data-testid='reply-text' value={text} maxlength={-1} placeholderStyle={PLACEHOLDER_STYLE} placeholder='说明核实情况和采取的措施' onInput={(e) => {
        setText(e.detail.value)
        setError(null)
      }} />
      {error ? <ErrorBlock message={error} /> : null}
      <View className='card__actions'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='submit-reply' onClick={submit}>
          {busy ? '正在提交…' : '提交答复'}
        </Button>
      </View>
    </View>
  )
}

function CommentCard({ c, nowMs, onDone }: { c: CommentRow; nowMs: number; onDone: (n: string) => void }) {
  const [replying, setReplying] = useState(false)
  return (
    <View className='card' data-testid='unit-comment' data-comment={c.id} data-status={c.status}>
      <CommentBody c={c} nowMs={nowMs} />
      {unitCanReply(c.status) ? (
        replying ? (
          <ReplyForm c={c} onDone={onDone} />
        ) : (
          <Button className='btn btn--primary' data-testid='action-reply' onClick={() => setReplying(true)}>
            答复
          </Button>
        )
      ) : null}
      <CommentHistory id={c.id} />
    </View>
  )
}

const TABS: ReadonlyArray<CommentStatus | 'all'> = ['routed', 'replied', 'closed', 'all']

function Inbox() {
  const { state, reload } = useAsync(() => unitComments(null))
  const [tab, setTab] = useState<CommentStatus | 'all'>('routed')
  const [notice, setNotice] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const counts = countByStatus(state.data)
  const rows = state.data.filter((c) => tab === 'all' || c.status === tab)
  const nowMs = Date.now()
  return (
    <View>
      <Text className='hint'>监督员转办给本单位的群众意见、投诉和表扬。请及时核实并答复；答复后由监督员办结。</Text>
      <Notice text={notice} testid='reply-done' />
      <View className='counts'>
        {TABS.map((t) => (
          <View key={t} className={`count${t === tab ? ' count--on' : ''}`} data-testid={`tab-${t}`} onClick={() => setTab(t)}>
            <Text className='count__n'>{t === 'all' ? state.data.length : counts[t]}</Text>
            <Text className='count__label'>{t === 'all' ? '全部' : t === 'routed' ? '待答复' : statusLabel(t)}</Text>
          </View>
        ))}
      </View>
      {rows.length === 0 ? <Empty label={tab === 'routed' ? '没有待答复的意见' : '没有这类意见'} /> : null}
      {rows.map((c) => (
        <CommentCard
          key={c.id}
          c={c}
          nowMs={nowMs}
          onDone={(n) => {
            setNotice(n)
            reload()
          }}
        />
      ))}
    </View>
  )
}

export default function StaffCommentsPage() {
  return (
    <Shell title='综合点评 · 本单位意见箱'>
      <LoginGate reason='工作人员登录后处理转办给本单位的意见'>{() => <Inbox />}</LoginGate>
    </Shell>
  )
}
