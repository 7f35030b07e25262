import { useState } from 'react'
import { toAppError } from './errors.ts'
import { useAsync, type AsyncState } from './useAsync.ts'

/** One page of a list the server hands out a page at a time; `total` where the server counts them all. */
export interface Page<T> {
  rows: T[]
  more: boolean
  total?: number
}

/** A page of `size` asked as size + 1 rows: the extra row only says that there is more. */
export function pageOf<T>(rows: T[], size: number, total?: number): Page<T> {
  return { rows: rows.slice(0, size), more: rows.length > size, total }
}

export interface PagedList<T> {
  /** The first page's loading (reload() starts over from it). */
  state: AsyncState<Page<T>>
  reload: () => void
  rows: T[]
  more: boolean
  total: number | undefined
  busy: boolean
  /** Loading a further page failed (the rows shown stay). */
  error: string | null
  loadMore: () => void
}

/**
 * A list read a page at a time (加载更多): the first page on mount, the next from the number of
 * rows shown. A row that moved up a page meanwhile (the list changed between pages) is not shown twice.
 */
export function usePagedList<T extends { id: string }>(loadPage: (offset: number) => Promise<Page<T>>): PagedList<T> {
  const [rows, setRows] = useState<T[]>([])
  const [more, setMore] = useState(false)
  const [total, setTotal] = useState<number | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const { state, reload } = useAsync(async () => {
    const page = await loadPage(0)
    setRows(page.rows)
    setMore(page.more)
    setTotal(page.total)
    setError(null)
    return page
  })
  const loadMore = () => {
    setBusy(true)
    setError(null)
    loadPage(rows.length).then(
      (page) => {
        setRows((old) => [...old, ...page.rows.filter((r) => !old.some((o) => o.id === r.id))])
        setMore(page.more)
        if (page.total !== undefined) setTotal(page.total)
        setBusy(false)
      },
      (err: unknown) => {
        setError(toAppError(err).message)
        setBusy(false)
      },
    )
  }
  return { state, reload, rows, more, total, busy, error, loadMore }
}
