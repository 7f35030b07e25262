/** The ECharts option of a rate chart (pure: unit-tested without a canvas). */
import type { EChartsCoreOption } from 'echarts/core'
import { COLORS } from '../../lib/tokens.ts'

const FONT = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"

/** 100 % when a value is above 50 %, else a round step above the largest (差评率 of 4 % stays readable). */
export function axisMax(values: ReadonlyArray<number | null>): number {
  const top = Math.max(0, ...values.filter((v): v is number => v !== null))
  if (top > 50) return 100
  const step = top > 20 ? 10 : top > 5 ? 5 : 1
  return Math.max(step, Math.ceil(top / step) * step + step)
}

/** Long names (units, 事项) cut to fit an axis label; the table has them whole. */
export function shortLabel(name: string, max = 14): string {
  // 双江拉祜族佤族布朗族傣族自治县… → 双江县… (as the counties are called day to day), so that
  // units of one county stay distinguishable after the cut.
  const short = name.replace(/^(\p{Script=Han}{2})\p{Script=Han}*?族自治县/u, '$1县')
  return short.length > max ? `${short.slice(0, max - 1)}…` : short
}

/** A point of a period not yet over: hollow, on a dashed segment (issue 21.1), so it is not read as final. */
function pointData(values: ReadonlyArray<number | null>, open: readonly boolean[] | undefined, color: string) {
  return values.map((v, i) =>
    open?.[i] ? { value: v, symbol: 'emptyCircle', symbolSize: 12, itemStyle: { color: COLORS.white, borderColor: color, borderWidth: 3 }, label: { show: true } } : v,
  )
}

/** counts (bars only): each bar's 'part/whole', printed beside its rate (issue 16.2: every rate with its n). */
export function chartOption(kind: 'bar' | 'line', labels: readonly string[], values: ReadonlyArray<number | null>, fontSize = 13, open?: readonly boolean[], counts?: readonly string[]): EChartsCoreOption {
  const text = { color: COLORS.ink, fontFamily: FONT, fontSize }
  if (kind === 'line') {
    return {
      animation: false,
      textStyle: text,
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: [...labels], axisLabel: text },
      yAxis: { type: 'value', min: 0, max: axisMax(values), axisLabel: { ...text, formatter: '{value}%' } },
      series: [
        { type: 'line', data: values.map((v, i) => (open?.[i] ? null : v)), lineStyle: { color: COLORS.navy, width: 3 }, itemStyle: { color: COLORS.navy }, symbolSize: 8, label: { show: true, ...text, formatter: '{c}%' }, connectNulls: false },
        // The open part of the line: from the last closed point on, dashed, its points hollow.
        ...(open?.some(Boolean)
          ? [{ type: 'line', data: pointData(values.map((v, i) => (open[i] || open[i + 1] ? v : null)), open, COLORS.navy), lineStyle: { color: COLORS.navy, width: 2, type: 'dashed' }, itemStyle: { color: COLORS.navy }, label: { show: false, ...text, formatter: '{c}%（未结束）' }, connectNulls: false }]
          : []),
      ],
    }
  }
  // Horizontal bars: long unit names stay readable; first row at the top.
  return {
    animation: false,
    textStyle: text,
    grid: { left: 8, right: fontSize * (counts ? 10 : 4), top: 8, bottom: 24, containLabel: true },
    xAxis: { type: 'value', min: 0, max: axisMax(values), axisLabel: { ...text, formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: labels.map((l) => shortLabel(l)), axisLabel: text },
    series: [{ type: 'bar', data: [...values], barMaxWidth: 22, itemStyle: { color: COLORS.navy }, label: { show: true, position: 'right', ...text, formatter: counts ? barLabel(counts) : '{c}%' } }],
  }
}

/** A bar's label with its count: '12.5%（3/24）'. */
export function barLabel(counts: readonly string[]): (p: { value: unknown; dataIndex: number }) => string {
  return (p) => (p.value === null || p.value === undefined ? '' : `${p.value}%（${counts[p.dataIndex] ?? ''}）`)
}
