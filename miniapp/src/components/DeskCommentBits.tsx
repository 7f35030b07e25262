import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { COMMENT_KIND_LABELS, type CommentRow } from '../../../shared/comments.ts'
import { commentHistory } from '../lib/desk-comments-api.ts'
import { historyItems, sourceLabel, statusLabel, waitingText } from '../lib/desk-comments-view.ts'
import { instantLabel } from '../lib/format.ts'
import { useAsync } from '../lib/useAsync.ts'
import { ErrorBlock, Loading } from './StatusBlock.tsx'

/** A 综合点评 as the desks read it: state in words, kind, source, content, unit, reply. */
export function CommentBody({ c, nowMs }: { c: CommentRow; nowMs: number }) {
  const waiting = waitingText(c, nowMs)
  return (
    <View>
      <View className='wo__head'>
        <Text className={`badge ${c.status === 'closed' ? 'badge--good' : c.status === 'received' ? 'badge--warn' : 'badge--info'}`} data-testid='comment-status'>
          {statusLabel(c.status)}
        </Text>
        <Text className={`badge ${c.kind === 'complaint' ? 'badge--bad' : c.kind === 'praise' ? 'badge--good' : 'badge--info'}`}>{COMMENT_KIND_LABELS[c.kind]}</Text>
        <Text className='badge badge--mid'>{sourceLabel(c.source)}</Text>
      </View>
      <Text className='wo__title' data-testid='comment-content'>
        {c.content}
      </Text>
      <Text className='card__line'>
        {c.unit_name ? `办理单位：${c.unit_name}` : `待转办 · ${c.region_name}`} · 受理于 {instantLabel(c.received_at)}
      </Text>
      {waiting ? <Text className='card__line'>{waiting}</Text> : null}
      {c.reply ? (
        <Text className='card__line' data-testid='comment-reply'>
          单位答复{c.replied_at ? `（${instantLabel(c.replied_at)}）` : ''}：{c.reply}
        </Text>
      ) : null}
      {c.close_note ? <Text className='card__line'>办结说明：{c.close_note}</Text> : null}
    </View>
  )
}

function HistoryList({ id }: { id: string }) {
  const { state, reload } = useAsync(() => commentHistory(id))
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  return (
    <View className='timeline' data-testid='comment-history'>
      {historyItems(state.data).map((h, i) => (
        <View key={i} className='timeline__item' data-testid='history-item'>
          <Text className='timeline__label'>{h.label}</Text>
          <Text className='timeline__when'>{instantLabel(h.at)}</Text>
          {h.note ? <Text className='timeline__note'>{h.note}</Text> : null}
        </View>
      ))}
    </View>
  )
}

/** 办理记录, loaded when opened (who acted is never shown). */
export function CommentHistory({ id }: { id: string }) {
  const [open, setOpen] = useState(false)
  return (
    <View>
      <Button className='btn btn--secondary card__actions' data-testid='toggle-history' onClick={() => setOpen((o) => !o)}>
        {open ? '收起办理记录' : '办理记录'}
      </Button>
      {open ? <HistoryList id={id} /> : null}
    </View>
  )
}
