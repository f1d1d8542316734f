/**
 * Option builders for the dashboard and analysis charts: pure `API payload -> ECharts option`.
 * Each returns null when there is nothing to draw, so ChartBox / ScreenPanel show the empty state.
 * Builders carry no colours for text or axes: the page's theme (light or the dark data screen) does.
 * Tooltips are HTML: a formatter function escapes every string it inserts (ECharts escapes only its own
 * default tooltips and string templates); labels are drawn on the canvas and take names as they are.
 */
import type { EChartsCoreOption } from 'echarts/core'
import type {
  Buckets, Copyright, Covers, Heat, HotArtists, KeyCount, Ratio, ReleaseDays, Releases, Scatter, Sentiment,
} from '@/api/stats'
import { locale, translate, type MessageKey } from '@/i18n'
import { escapeHtml } from '@/utils/html'
import { PALETTE, SENTIMENT_COLORS } from './palette'
import type { PieSlice } from './pie'

type Option = EChartsCoreOption

const TRANSPARENT = { backgroundColor: 'transparent' }

const KNOWN_KEYS = [
  'free', 'vip', 'album', 'free_low', 'other', 'unknown', 'available', 'unavailable', 'original', 'cover',
  'positive', 'negative', 'neutral', 'unlabelled',
]

/** The UI-language name of a key the API returns (fee class, availability, cover class, sentiment). */
export function keyLabel(key: string): string {
  return KNOWN_KEYS.includes(key) ? translate(`chart.key.${key}` as MessageKey) : key
}

/** Number with thousands separators (zh-CN), for tooltips and labels. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('zh-CN')
}

export interface CategoryInput {
  categories: string[]
  values: number[]
  seriesName: string
  /** Unit shown on the value axis and in the tooltip, e.g. '首'. */
  unit: string
  kind?: 'bar' | 'line'
  /** Add slider + inside zoom when there are more categories than this. */
  zoomAbove?: number
}

/** A single-series bar or line over categories; null when every value is 0 or there are none. */
export function categoryOption(input: CategoryInput): Option | null {
  if (input.values.length === 0 || input.values.every((v) => !v)) return null
  const kind = input.kind ?? 'bar'
  const zoom = input.zoomAbove !== undefined && input.categories.length > input.zoomAbove
  return {
    ...TRANSPARENT,
    color: PALETTE,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${formatCount(Number(v))} ${input.unit}` },
    grid: { left: 48, right: 24, top: 36, bottom: zoom ? 64 : 32, containLabel: true },
    xAxis: { type: 'category', data: input.categories, boundaryGap: kind === 'bar' },
    yAxis: { type: 'value', name: input.unit, minInterval: 1 },
    dataZoom: zoom ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : undefined,
    series: [{
      type: kind, name: input.seriesName, data: input.values, smooth: kind === 'line',
      areaStyle: kind === 'line' ? { opacity: 0.25 } : undefined,
      itemStyle: kind === 'bar' ? { borderRadius: [4, 4, 0, 0] } : undefined,
    }],
  }
}

/** Every period from the first to the last point (years `YYYY` or months `YYYY-MM`), absent ones as 0,
 * so a gap in releases shows as a gap instead of joining distant years. */
export function fillPeriods(points: Releases['points'], granularity: 'year' | 'month'): Releases['points'] {
  if (points.length === 0) return []
  const index = (period: string) => granularity === 'year' ? Number(period)
    : Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1
  const label = (i: number) => granularity === 'year' ? String(i)
    : `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`
  const counts = new Map(points.map((p) => [index(p.period), p.count]))
  const first = Math.min(...counts.keys())
  const last = Math.max(...counts.keys())
  return Array.from({ length: last - first + 1 }, (_, k) => ({ period: label(first + k), count: counts.get(first + k) ?? 0 }))
}

/** Songs per release year (line) or month (bar with zoom). */
export function releasesOption(r: Releases | null): Option | null {
  if (!r) return null
  const points = fillPeriods(r.points, r.granularity)
  return categoryOption({
    categories: points.map((p) => p.period), values: points.map((p) => p.count),
    seriesName: translate('analysis.chart.releases'), unit: translate('analysis.unit.songs'), kind: r.granularity === 'year' ? 'line' : 'bar', zoomAbove: 24,
  })
}

/** A bucket histogram (durations, album sizes). */
export function bucketsOption(b: Buckets | null, seriesName: string, unit: string): Option | null {
  if (!b) return null
  return categoryOption({
    categories: b.buckets.map((x) => x.label), values: b.buckets.map((x) => x.count), seriesName, unit,
  })
}

/** API `{key, count}` lists as pie slices with Chinese names (unknown kept as its own slice). */
export function keySlices(items: KeyCount[] | undefined): PieSlice[] {
  return (items ?? []).map((item) => ({ name: keyLabel(item.key), value: item.count }))
}

/** Fee-class slices of the copyright payload. */
export const feeSlices = (c: Copyright | null) => keySlices(c?.fee)
/** Availability slices of the copyright payload. */
export const availabilitySlices = (c: Copyright | null) => keySlices(c?.availability)
/** Cover-class slices. */
export const coverSlices = (c: Covers | null) => keySlices(c?.classes)

/** Sentiment slices in the sentiment colours (unlabelled comments left out: they are not a sentiment). */
export function sentimentSlices(s: Sentiment | null): (PieSlice & { itemStyle: { color: string } })[] {
  if (!s) return []
  return (['positive', 'neutral', 'negative'] as const).map((key) => ({
    name: keyLabel(key), value: s.overall[key], itemStyle: { color: SENTIMENT_COLORS[key] },
  }))
}

/** A liquid-fill gauge of one ratio; null when the ratio is undefined (nothing to divide by). */
export function liquidOption(ratio: Ratio | null | undefined, label: string): Option | null {
  if (!ratio || ratio.value === null) return null
  const value = Math.min(1, Math.max(0, ratio.value))
  return {
    ...TRANSPARENT,
    tooltip: { formatter: () => `${escapeHtml(label)}: ${(value * 100).toFixed(1)}% (${formatCount(ratio.part)} / ${formatCount(ratio.whole)})` },
    series: [{
      type: 'liquidFill', name: label, radius: '80%', data: [value, Math.max(0, value - 0.08)],
      color: [PALETTE[0], PALETTE[1]], backgroundStyle: { color: 'rgba(212,60,51,0.08)' },
      outline: { borderDistance: 4, itemStyle: { borderWidth: 3, borderColor: PALETTE[0] } },
      label: { formatter: () => `${(value * 100).toFixed(1)}%\n${label}`, fontSize: 22, color: '#fff', insideColor: '#fff' },
    }],
  }
}

/** One colour per name, in order of first appearance, so a bar keeps its colour while the ranking moves. */
export function colorsByName(names: string[]): Map<string, string> {
  const colors = new Map<string, string>()
  for (const name of names) if (!colors.has(name)) colors.set(name, PALETTE[colors.size % PALETTE.length]!)
  return colors
}

/** Ranking race: one timeline step per release year (auto-playing), horizontal bars re-sorted each
 * step; a single static ranking of `top` when there are fewer than two dated years. */
export function raceOption(h: Heat | null, unit: string, playInterval = 1500): Option | null {
  if (!h || h.top.length === 0) return null
  const race = h.frames.length > 1
  const limit = Math.max(...h.frames.map((f) => f.items.length), h.top.length, 1)
  const colors = colorsByName([...h.top, ...h.frames.flatMap((f) => f.items)].map((i) => i.name))
  // [value, name] pairs with `encode`: the category axis then takes its labels from the names, and
  // realtimeSort re-orders them each step (named data items would leave the axis unlabelled).
  const bar = (items: Heat['top']) => ({
    type: 'bar', realtimeSort: true, encode: { x: 0, y: 1 }, data: items.map((i) => [i.value, i.name]),
    label: { show: true, position: 'right', valueAnimation: true, formatter: (p: { value: [number, string] }) => formatCount(p.value[0]) },
    itemStyle: { borderRadius: [0, 4, 4, 0], color: (p: { value: [number, string] }) => colors.get(p.value[1]) ?? PALETTE[0] },
  })
  const yearMark = (year: number) => [{
    type: 'text', right: 72, bottom: 76, silent: true,
    style: { text: String(year), font: 'bold 32px sans-serif', fill: 'rgba(128,128,128,0.45)' },
  }]
  const base = {
    ...TRANSPARENT,
    tooltip: { trigger: 'item', formatter: (p: { value: [number, string] }) => `${escapeHtml(p.value[1])}: ${formatCount(p.value[0])} ${escapeHtml(unit)}` },
    grid: { left: 8, right: 64, top: 28, bottom: race ? 64 : 16, containLabel: true },
    xAxis: { type: 'value', name: unit, max: 'dataMax' },
    yAxis: { type: 'category', inverse: true, max: limit - 1, axisLabel: { width: 90, overflow: 'truncate', interval: 0 },
      animationDuration: 300, animationDurationUpdate: 300 },
  }
  if (!race) return { ...base, series: [bar(h.top)] }
  const baseOption: Record<string, unknown> = {
    ...base,
    timeline: {
      axisType: 'category', autoPlay: true, loop: true, playInterval, data: h.frames.map((f) => String(f.year)),
      bottom: 4, left: 24, right: 24, label: { fontSize: 10 },
    },
    animationDurationUpdate: playInterval * 0.8,
    series: [bar(h.frames[0]!.items)],
    graphic: yearMark(h.frames[0]!.year),
  }
  const options = h.frames.map((f) => ({ series: [bar(f.items)], graphic: yearMark(f.year) }))
  return { baseOption, options } as Option
}

/** The days with releases as [YYYY-MM-DD, songs] pairs (the API sends dense daily counts). */
export function releaseDayPairs(d: ReleaseDays | null): [string, number][] {
  if (!d || d.first === null) return []
  const start = Date.parse(`${d.first}T00:00:00Z`)
  const pairs: [string, number][] = []
  d.counts.forEach((n, i) => {
    if (n > 0) pairs.push([new Date(start + i * 86_400_000).toISOString().slice(0, 10), n])
  })
  return pairs
}

/** The big time chart: songs released per day on a time axis with zoom (inside + slider). */
export function releaseTimelineOption(d: ReleaseDays | null): Option | null {
  const days = releaseDayPairs(d)
  if (days.length === 0) return null
  return {
    ...TRANSPARENT,
    color: [PALETTE[0]],
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${formatCount(Number(v))} ${translate('analysis.unit.songs')}` },
    grid: { left: 40, right: 24, top: 32, bottom: 64, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: translate('chart.songsPerDay'), minInterval: 1 },
    dataZoom: [{ type: 'inside', start: 0, end: 100 }, { type: 'slider', height: 18, bottom: 8 }],
    series: [{ type: 'bar', name: translate('chart.releasedThatDay'), data: days, barMaxWidth: 6, large: true }],
  }
}

/** The year with most releases in `days` (the calendar's default year), or null. */
export function busiestYear(d: ReleaseDays | null): number | null {
  const days = releaseDayPairs(d)
  if (days.length === 0) return null
  const perYear = new Map<number, number>()
  for (const [day, n] of days) perYear.set(Number(day.slice(0, 4)), (perYear.get(Number(day.slice(0, 4))) ?? 0) + n)
  return [...perYear.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0]
}

/** Calendar heatmap of releases per day in one year; null when that year has none. */
export function calendarOption(d: ReleaseDays | null, year: number | null): Option | null {
  if (!d || year === null) return null
  const data = releaseDayPairs(d).filter(([day]) => day.startsWith(`${year}-`))
  if (data.length === 0) return null
  const max = Math.max(...data.map(([, n]) => n))
  return {
    ...TRANSPARENT,
    tooltip: { formatter: (p: { value: [string, number] }) => `${escapeHtml(p.value[0])}: ${formatCount(p.value[1])} ${escapeHtml(translate('analysis.unit.songs'))}` },
    visualMap: { min: 0, max, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, calculable: true,
      inRange: { color: ['#fbecea', '#f08a5d', '#d43c33'] } },
    calendar: { range: String(year), top: 36, left: 36, right: 16, cellSize: ['auto', 14], yearLabel: { show: true },
      dayLabel: { nameMap: calendarNames() }, monthLabel: { nameMap: calendarNames() }, itemStyle: { borderWidth: 0.5 } },
    series: [{ type: 'heatmap', coordinateSystem: 'calendar', name: translate('chart.released'), data }],
  }
}

/** Hot artists: one line per artist over release years. */
export function hotArtistsOption(h: HotArtists | null): Option | null {
  if (!h || h.series.length === 0 || h.years.length === 0) return null
  const unit = h.metric === 'songs' ? translate('analysis.unit.songs') : translate('analysis.unit.popularity')
  return {
    ...TRANSPARENT,
    color: PALETTE,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${formatCount(Number(v))} ${unit}` },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 40, right: 24, top: 40, bottom: 48, containLabel: true },
    xAxis: { type: 'category', data: h.years.map(String), boundaryGap: false },
    yAxis: { type: 'value', name: unit, minInterval: h.metric === 'songs' ? 1 : 0 },
    dataZoom: h.years.length > 20 ? [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 4 }] : undefined,
    series: h.series.map((s) => ({ type: 'line', name: s.name, data: s.values, smooth: true, symbolSize: 5 })),
  }
}

/** Point size from likes: square-root scale into 6..36 px, so a few huge songs do not hide the rest. */
export function pointSize(likes: number, maxLikes: number): number {
  if (maxLikes <= 0) return 8
  return 6 + 30 * Math.sqrt(Math.max(0, likes) / maxLikes)
}

/** Popularity scatter: x = comments (log axis) or duration, y = popularity, size = likes, outliers named. */
export function scatterOption(s: Scatter | null): Option | null {
  if (!s || s.points.length === 0) return null
  const maxLikes = Math.max(...s.points.map((p) => p.likes))
  const xName = s.x === 'comments' ? translate('chart.xComments') : translate('chart.xDuration')
  const logAxis = s.x === 'comments' && s.points.every((p) => p.x > 0)
  const toDatum = (p: Scatter['points'][number]) => ({
    name: p.name, value: [p.x, p.popularity, p.likes], symbolSize: pointSize(p.likes, maxLikes),
    // A function, not the name itself: a string formatter is a template, and '{b}' in a name would be expanded.
    label: p.outlier ? { show: true, formatter: () => p.name, position: 'top', fontSize: 11, width: 110, overflow: 'truncate' } : undefined,
  })
  return {
    ...TRANSPARENT,
    color: [PALETTE[6], PALETTE[0]],
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number[] }) =>
        [p.name, `${xName}: ${formatCount(p.value[0]!)}`, `${translate('chart.popularity')}: ${p.value[1]}`,
          `${translate('chart.commentLikes')}: ${formatCount(p.value[2]!)}`].map(escapeHtml).join('<br/>'),
    },
    legend: { top: 0, data: [translate('chart.songs'), translate('chart.outliers')] },
    grid: { left: 48, right: 32, top: 40, bottom: 40, containLabel: true },
    xAxis: { type: logAxis ? 'log' : 'value', name: xName, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: translate('chart.popularityAxis'), max: 100 },
    series: [
      { type: 'scatter', name: translate('chart.songs'), data: s.points.filter((p) => !p.outlier).map(toDatum), itemStyle: { opacity: 0.6 } },
      { type: 'scatter', name: translate('chart.outliers'), data: s.points.filter((p) => p.outlier).map(toDatum) },
    ],
  }
}

/** Sentiment of the most-commented songs: stacked horizontal bars (positive / neutral / negative). */
export function sentimentSongsOption(s: Sentiment | null): Option | null {
  if (!s || s.songs.length === 0) return null
  const songs = [...s.songs].reverse()
  const series = (['positive', 'neutral', 'negative'] as const).map((key) => ({
    type: 'bar', name: keyLabel(key), stack: 'total', data: songs.map((x) => x[key]),
    itemStyle: { color: SENTIMENT_COLORS[key] }, emphasis: { focus: 'series' },
  }))
  return {
    ...TRANSPARENT,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => `${formatCount(Number(v))} ${translate('chart.commentsUnit')}` },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: translate('chart.commentsUnit') },
    yAxis: { type: 'category', data: songs.map((x) => x.name), axisLabel: { width: 100, overflow: 'truncate' } },
    series,
  }
}

/** ECharts' built-in day and month names for the calendar, in the UI language. */
function calendarNames(): 'ZH' | 'EN' {
  return locale.value === 'en' ? 'EN' : 'ZH'
}
