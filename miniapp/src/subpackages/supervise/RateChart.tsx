/**
 * A rate chart with Apache ECharts (tree-shaken: bar, line, grid, canvas renderer). H5 renders
 * into a DOM node; WeChat and Alipay into a `<Canvas type="2d">` node through a small adapter
 * (what ECharts' own ec-canvas does for mini-programs). The numbers are always also in the table
 * below the chart; the chart is for seeing at a glance.
 */
import { useEffect, useRef } from 'react'
import { Canvas, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { chartOption } from './chart-option.ts'

echarts.use([BarChart, LineChart, GridComponent, CanvasRenderer])

let seq = 0

interface Canvas2DNode {
  width: number
  height: number
  getContext(type: '2d'): CanvasRenderingContext2D
}

/** The canvas-like object ECharts draws on in a mini-program (after ec-canvas's WxCanvas). */
class MiniCanvas {
  constructor(
    readonly node: Canvas2DNode,
    readonly ctx: CanvasRenderingContext2D,
  ) {}
  getContext(type: string) {
    return type === '2d' ? this.ctx : null
  }
  addEventListener() {}
  removeEventListener() {}
  attachEvent() {}
  detachEvent() {}
  get width() {
    return this.node.width
  }
  set width(w: number) {
    this.node.width = w
  }
  get height() {
    return this.node.height
  }
  set height(h: number) {
    this.node.height = h
  }
}

export function RateChart({ testid, title, kind, labels, values, open, counts }: {
  testid: string
  title: string
  kind: 'bar' | 'line'
  labels: string[]
  values: Array<number | null>
  /** Bars: each bar's 'part/whole', shown beside its rate. */
  counts?: string[]
  /** Points of a period not yet over (drawn hollow and dashed: their figure still moves). */
  open?: boolean[]
}) {
  const id = useRef(`hcp-chart-${++seq}`).current
  // H5 (a desk or a phone): the chart's text as large as the page's; mini-programs: 14 px.
  const font = process.env.TARO_ENV === 'h5' ? Math.round(0.8 * parseFloat(getComputedStyle(document.querySelector('.shell') ?? document.body).fontSize || '16')) : 14
  const height = kind === 'bar' ? Math.max(240, labels.length * font * 2.4 + font * 4) : Math.max(280, font * 18)
  useEffect(() => {
    let chart: echarts.ECharts | null = null
    let cancelled = false
    const option = chartOption(kind, labels, values, font, open, counts)
    if (process.env.TARO_ENV === 'h5') {
      const el = document.getElementById(id)
      if (el) {
        chart = echarts.init(el, undefined, { renderer: 'canvas', width: el.clientWidth || 340, height })
        chart.setOption(option)
      }
    } else {
      Taro.nextTick(() => {
        Taro.createSelectorQuery()
          .select(`#${id}`)
          .fields({ node: true, size: true })
          .exec((res: Array<{ node?: Canvas2DNode; width: number; height: number } | null>) => {
            const found = res[0]
            if (cancelled || !found?.node) return
            const dpr = Taro.getSystemInfoSync().pixelRatio || 2
            const ctx = found.node.getContext('2d')
            found.node.width = found.width * dpr
            found.node.height = found.height * dpr
            echarts.setPlatformAPI({
              measureText: (text: string, font?: string) => {
                ctx.font = font ?? '12px sans-serif'
                return ctx.measureText(text)
              },
            })
            chart = echarts.init(new MiniCanvas(found.node, ctx) as unknown as HTMLCanvasElement, undefined, { width: found.width, height: found.height, devicePixelRatio: dpr })
            chart.setOption(option)
          })
      })
    }
    return () => {
      cancelled = true
      chart?.dispose()
    }
  }, [])
  return (
    <View className='card' data-testid={testid}>
      <Text className='card__title'>{title}</Text>
      <Text className='hint'>单位：%。具体数字见下方数据表。</Text>
      {process.env.TARO_ENV === 'h5' ? (
        <View id={id} className='chart' style={{ height: `${height}px` }} data-testid={`${testid}-canvas`} />
      ) : (
        <Canvas type='2d' id={id} canvasId={id} className='chart' style={{ height: `${height}px` }} />
      )}
    </View>
  )
}
