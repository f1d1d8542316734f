/** Sentiment chart builders (pure `data -> option`): the label ring and the monthly bars. */
import type { EChartsOption } from 'echarts'
import { translate } from '@/i18n'
import { SENTIMENT_COLORS } from './palette'
import { pieOption } from './pie'

export type Label = 'positive' | 'neutral' | 'negative'

/** The UI-language name of a label. */
const labelName = (label: Label) => translate(`sentiment.label.${label}`)
const ORDER: Label[] = ['positive', 'neutral', 'negative']

/** A ring of positive / neutral / negative counts in the sentiment colours; null when all are zero. */
export function sentimentRingOption(counts: Record<Label, number>): EChartsOption | null {
  const slices = ORDER.map((label) => ({ name: labelName(label), value: counts[label] ?? 0 }))
  const option = pieOption(slices, { donut: true, seriesName: translate('analysis.series.sentiment') })
  if (!option) return null
  const colorOf = Object.fromEntries(ORDER.map((label) => [labelName(label), SENTIMENT_COLORS[label]]))
  const series = (option.series as { data: { name: string; value: number }[] }[])[0]!
  series.data = series.data.map((d) => ({ ...d, itemStyle: { color: colorOf[d.name] } }))
  return option
}

export interface MonthPoint {
  month: string
  positive: number
  neutral: number
  negative: number
  positive_share: number
}

/** Stacked monthly bars of the three labels plus the positive share as a line (right axis). */
export function sentimentMonthlyOption(points: MonthPoint[]): EChartsOption | null {
  if (points.length === 0) return null
  const bars = ORDER.map((label) => ({
    type: 'bar' as const, name: labelName(label), stack: 'count', itemStyle: { color: SENTIMENT_COLORS[label] },
    data: points.map((p) => p[label]),
  }))
  return {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 48, right: 48, top: 24, bottom: 56 },
    xAxis: { type: 'category', data: points.map((p) => p.month) },
    yAxis: [{ type: 'value', name: translate('chart.commentCount') }, { type: 'value', name: translate('chart.positiveShare'), min: 0, max: 1 }],
    dataZoom: points.length > 24 ? [{ type: 'slider', bottom: 24 }] : [],
    series: [
      ...bars,
      { type: 'line', name: translate('chart.positiveShare'), yAxisIndex: 1, smooth: true, symbol: 'none',
        itemStyle: { color: '#43aa8b' }, data: points.map((p) => p.positive_share) },
    ],
  }
}

/** Percent text of a probability, e.g. 0.8731 -> "87.3%". */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`
}
