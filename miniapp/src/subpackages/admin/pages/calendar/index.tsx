import { useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import { isoWeekday } from '../../../../../../shared/calendar/days.ts'
import { shanghaiDate } from '../../../../../../shared/calendar/shanghai.ts'
import { CITY_CODE } from '../../../../../../shared/regions.ts'
import { whoami } from '../../../../lib/api.ts'
import { calendarRows, setCalendarDay, setCalendarYearAnnounced, type CalendarRows } from '../../../../lib/calendar-api.ts'
import {
  calendarYears,
  DAY_KIND_LABELS,
  DAY_KIND_MARKS,
  dayInfo,
  gridCalendar,
  kindCounts,
  monthGrid,
  noteProblem,
  WEEKDAY_HEADS,
  type DayKind,
  type GridCalendar,
} from '../../../../lib/calendar-grid.ts'
import { AppError } from '../../../../lib/errors.ts'
import { summarizeWhoami } from '../../../../lib/roles.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { ConfirmPanel } from '../org/OrgBits.tsx'
import '../../admin.scss'
import './index.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

const KINDS: DayKind[] = ['workday', 'rest', 'holiday', 'makeup']
const dayLabel = (day: string) => `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日（周${WEEKDAY_HEADS[isoWeekday(day) - 1]}）`

/** 已公布 / 暂定, and for a city supervisor the switch between them (with a confirmation). */
function YearStatus({ year, rows, editor, onChanged }: { year: number; rows: CalendarRows; editor: boolean; onChanged: (n: string) => void }) {
  const entry = rows.years.find((y) => y.year === year)
  const [asking, setAsking] = useState(false)
  const change = async () => {
    await setCalendarYearAnnounced(year, !entry)
    setAsking(false)
    onChanged(entry ? `已撤回 ${year} 年的“已公布”标记，该年重新按暂定日历计算` : `已将 ${year} 年标记为已公布`)
  }
  return (
    <View className='card' data-testid='year-status' data-announced={entry ? 'yes' : 'no'}>
      <View className='wo__head'>
        <Text className={`badge ${entry ? 'badge--good' : 'badge--warn'}`} data-testid='year-badge'>
          {year} 年 · {entry ? '已公布' : '暂定'}
        </Text>
      </View>
      <Text className='card__line'>
        {entry
          ? `放假安排已录入（${entry.source === 'supervisor' ? '监督员标记' : '节假日数据包'}），各项办理时限按本日历计算。`
          : '国务院尚未公布（或尚未录入）本年放假安排：暂按周末和法定节假日计算，不含调休。据此算出的期限都标注为“暂定”，公布后可能变化。'}
      </Text>
      {editor && !asking ? (
        <Button className='btn btn--secondary' data-testid='toggle-announced' onClick={() => setAsking(true)}>
          {entry ? '撤回“已公布”标记' : '标记为已公布'}
        </Button>
      ) : null}
      {editor && asking ? (
        <ConfirmPanel
          testid='announce'
          text={
            entry
              ? `撤回后 ${year} 年重新按暂定规则计算（法定节假日照常，调休不计），相关期限可能变化。确定撤回吗？`
              : `请先逐日录入 ${year} 年的全部放假和调休日期。标记为已公布后，该年不再套用法定节假日的暂定规则，未录入的节日将按工作日计算。确定标记吗？`
          }
          onYes={change}
          onNo={() => setAsking(false)}
        />
      ) : null}
    </View>
  )
}

function Grid({ year, month, g, selected, onPick }: { year: number; month: number; g: GridCalendar; selected: string | null; onPick: (day: string) => void }) {
  const grid = monthGrid(year, month, g)
  const counts = kindCounts(grid)
  return (
    <View data-testid='month-grid' data-month={`${year}-${String(month).padStart(2, '0')}`}>
      <View className='cal'>
        <View className='cal__row'>
          {WEEKDAY_HEADS.map((h) => (
            <Text key={h} className='cal__head'>
              {h}
            </Text>
          ))}
        </View>
        {grid.weeks.map((week, i) => (
          <View key={i} className='cal__row'>
            {week.map((c, j) =>
              c ? (
                <View
                  key={c.day}
                  className={`cal__cell cal__cell--${c.kind}${selected === c.day ? ' cal__cell--on' : ''}`}
                  data-testid='cal-day'
                  data-day={c.day}
                  data-kind={c.kind}
                  onClick={() => onPick(c.day)}
                >
                  <Text className='cal__date'>{c.date}</Text>
                  <Text className='cal__mark'>{DAY_KIND_MARKS[c.kind]}</Text>
                </View>
              ) : (
                <View key={`pad-${j}`} className='cal__cell cal__cell--pad' />
              ),
            )}
          </View>
        ))}
      </View>
      <Text className='hint' data-testid='month-summary'>
        本月工作日 {counts.workday + counts.makeup} 天（含调休上班 {counts.makeup} 天），休息日 {counts.rest} 天，法定节假日 {counts.holiday} 天
      </Text>
    </View>
  )
}

function Legend() {
  return (
    <View className='cal-legend'>
      {KINDS.map((k) => (
        <View key={k} className={`cal-legend__item cal__cell--${k}`}>
          <Text className='cal-legend__text'>
            {DAY_KIND_MARKS[k]} {DAY_KIND_LABELS[k]}
          </Text>
        </View>
      ))}
    </View>
  )
}

/** The selected day, and for a city supervisor the switch 工作日 ⇄ 休息日 with its reason. */
function DayPanel({ day, g, editor, onChanged }: { day: string; g: GridCalendar; editor: boolean; onChanged: (n: string) => void }) {
  const info = dayInfo(day, g)
  const [note, setNote] = useState('')
  const { busy, error, setError, run } = useAction()
  const toggle = () =>
    run(async () => {
      const p = noteProblem(note)
      if (p) throw new AppError('invalid_input', p)
      await setCalendarDay(day, !info.isWorkday, note.trim())
      setNote('')
      onChanged(`已将 ${dayLabel(day)} 设为${info.isWorkday ? '休息日' : '工作日'}`)
    })
  return (
    <View className='card' data-testid='day-panel' data-day={day} data-kind={info.kind}>
      <Text className='card__title'>{dayLabel(day)}</Text>
      <View className='wo__head'>
        <Text className={`badge ${info.isWorkday ? 'badge--info' : 'badge--mid'}`} data-testid='day-kind'>
          {DAY_KIND_LABELS[info.kind]}
        </Text>
        {info.provisional ? <Text className='badge badge--warn'>暂定</Text> : null}
      </View>
      {info.name ? <Text className='card__line'>节日：{info.name}</Text> : null}
      {info.note ? (
        <Text className='card__line' data-testid='day-note'>
          调整依据：{info.note}
        </Text>
      ) : null}
      {editor ? (
        <View>
          <Text className='field-label'>调整依据（必填，如国务院办公厅通知文号）</Text>
          <Input
            className='input'
            data-testid='day-note-input'
            value={note}
            maxlength={200}
            placeholderStyle={PLACEHOLDER_STYLE}
            placeholder='例：国办发明电〔2026〕X号'
            onInput={(e) => {
              setNote(e.detail.value)
              setError(null)
            }}
          />
          {error ? <ErrorBlock message={error} /> : null}
          <Button className={`btn ${info.isWorkday ? 'btn--danger' : 'btn--primary'}${busy ? ' btn--busy' : ''}`} data-testid='toggle-day' onClick={toggle}>
            {info.isWorkday ? '设为休息日' : '设为工作日'}
          </Button>
        </View>
      ) : (
        <Text className='hint'>只有市级监督员可以调整工作日历。</Text>
      )}
    </View>
  )
}

function Calendar({ editor }: { editor: boolean }) {
  const today = shanghaiDate(new Date().toISOString())
  const [thisYear, nextYear] = calendarYears(today)
  const [year, setYear] = useState(nextYear)
  const [month, setMonth] = useState(1)
  const [selected, setSelected] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const data = useAsync(() => calendarRows(`${thisYear}-01-01`, `${nextYear}-12-31`))
  const changed = (n: string) => {
    setNotice(n)
    data.reload()
  }
  const pickYear = (y: number) => {
    setYear(y)
    setMonth(y === thisYear ? Number(today.slice(5, 7)) : 1)
    setSelected(null)
  }
  return (
    <View>
      <View className='choices'>
        {[thisYear, nextYear].map((y) => (
          <View key={y} className={`choice${y === year ? ' choice--on' : ''}`} data-testid={`cal-year-${y}`} onClick={() => pickYear(y)}>
            {y} 年{y === nextYear ? '（来年）' : '（今年）'}
          </View>
        ))}
      </View>
      <Notice text={notice} testid='calendar-done' />
      {data.state.status === 'loading' ? <Loading /> : null}
      {data.state.status === 'error' ? <ErrorBlock message={data.state.error.message} onRetry={data.reload} /> : null}
      {data.state.status === 'done' ? (
        <View>
          <YearStatus key={year} year={year} rows={data.state.data} editor={editor} onChanged={changed} />
          <View className='months'>
            {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
              <View
                key={m}
                className={`choice months__item${m === month ? ' choice--on' : ''}`}
                data-testid={`cal-month-${m}`}
                onClick={() => {
                  setMonth(m)
                  setSelected(null)
                }}
              >
                {m}月
              </View>
            ))}
          </View>
          <Legend />
          <Grid year={year} month={month} g={gridCalendar(data.state.data)} selected={selected} onPick={setSelected} />
          {selected ? <DayPanel key={selected} day={selected} g={gridCalendar(data.state.data)} editor={editor} onChanged={changed} /> : <Text className='hint'>点选某一天查看详情{editor ? '或调整' : ''}。</Text>}
        </View>
      ) : null}
    </View>
  )
}

function Gate() {
  const { state, reload } = useAsync(async () => summarizeWhoami(await whoami()))
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  // app.assert_calendar_editor: supervisors of the city (or above) edit; everyone else reads.
  const editor = (state.data?.roles ?? []).some((g) => g.role === 'supervisor' && g.scopeRegionCode === CITY_CODE)
  return <Calendar editor={editor} />
}

export default function CalendarPage() {
  return (
    <Shell title='工作日历'>
      <LoginGate reason='监督员登录后查看和调整工作日历'>{() => <Gate />}</LoginGate>
    </Shell>
  )
}
