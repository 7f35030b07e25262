import { Button, Text } from '@tarojs/components'
import type { PagedList } from '../lib/usePagedList.ts'
import { ErrorBlock } from './StatusBlock.tsx'
import './ListMore.scss'

/** The end of a paged list: 加载更多 while there is more, else how many are shown (none: nothing). */
export function ListMore<T extends { id: string }>({ list, pageSize, testid }: { list: PagedList<T>; pageSize: number; testid: string }) {
  return (
    <>
      {list.error ? <ErrorBlock message={list.error} onRetry={list.loadMore} /> : null}
      {list.more ? (
        <Button className={`btn btn--secondary list-more${list.busy ? ' btn--busy' : ''}`} data-testid={`${testid}-more`} onClick={list.loadMore}>
          {list.busy ? '正在加载…' : `加载更多（每次 ${pageSize} 件）`}
        </Button>
      ) : list.rows.length > 0 ? (
        <Text className='hint list-more' data-testid={`${testid}-end`}>已显示全部 {list.rows.length} 件</Text>
      ) : null}
    </>
  )
}
