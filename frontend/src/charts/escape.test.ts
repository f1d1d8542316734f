/**
 * Hostile names through every chart builder: a tooltip is HTML, so whatever a builder's tooltip
 * formatter returns must show the name as escaped text and never carry raw markup. A tooltip
 * without a formatter is built by ECharts, which escapes names itself; a string template would be
 * too, but the builders use functions only, so these cases reach every string they insert.
 */
import { describe, expect, it } from 'vitest'
import { escapeHtml } from '@/utils/html'
import { pieOption } from './pie'
import { sentimentMonthlyOption, sentimentRingOption } from './sentiment'
import {
  bucketsOption, calendarOption, categoryOption, hotArtistsOption, keySlices, liquidOption, raceOption,
  releaseTimelineOption, releasesOption, scatterOption, sentimentSongsOption,
} from './stats'
import { wordCloudOption } from './wordcloud'

type Rec = Record<string, any>

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(document.cookie)</script>',
  "'><svg onload=alert(1)>周杰伦",
]
/** A tag from a name, or a quote that could close an attribute (the builders' own HTML has neither). */
const RAW_MARKUP = /<\s*\/?\s*(img|script|svg)\b|["']/i

/** Every tooltip of an option: top level, a timeline's base option and each step, each series. */
function tooltips(option: unknown): Rec[] {
  const o = option as Rec
  const levels: Rec[] = [o, o.baseOption, ...(o.options ?? [])].filter(Boolean)
  return levels.flatMap((level) => [level.tooltip, ...(level.series ?? []).map((s: Rec) => s.tooltip)]).filter(Boolean)
}

/** The HTML each tooltip formatter makes of `params`; string templates are refused. */
function tooltipHtml(option: unknown, params: unknown): string[] {
  return tooltips(option).filter((t) => t.formatter !== undefined).map((t) => {
    expect(typeof t.formatter, 'tooltip formatters are functions that escape').toBe('function')
    return t.formatter(params) as string
  })
}

function expectEscaped(html: string[], name: string): void {
  expect(html.length).toBeGreaterThan(0)
  for (const text of html) {
    expect(text).toContain(escapeHtml(name))
    expect(text).not.toMatch(RAW_MARKUP)
  }
}

/** Builders whose tooltips ECharts writes itself (axis tooltips): no formatter of ours. ECharts
 * escapes the names and a valueFormatter's text, so those stay plain text (no double escaping). */
function expectEChartsTooltips(option: unknown): void {
  const all = tooltips(option)
  expect(all.length).toBeGreaterThan(0)
  for (const t of all) expect(t.formatter).toBeUndefined()
}

describe.each(HOSTILE)('hostile name %s', (name) => {
  it('heat race (artists or albums), static and as a race: tooltip escaped, bar label only the number', () => {
    const item = { id: 1, name, value: 1234 }
    const race = raceOption({ by: 'album', metric: 'comments', top: [item],
      frames: [{ year: 2019, items: [item] }, { year: 2020, items: [item] }] }, name)
    expectEscaped(tooltipHtml(race, { value: [1234, name] }), name)
    const still = raceOption({ by: 'artist', metric: 'popularity', top: [item], frames: [] }, '热度') as Rec
    expectEscaped(tooltipHtml(still, { value: [1234, name] }), name)
    expect(still.series[0].label.formatter({ value: [1234, name] })).toBe('1,234')
  })

  it('scatter: tooltip escaped; the outlier label (canvas text) is the name itself, not a template', () => {
    const option = scatterOption({ x: 'duration', unit: 'seconds', points: [
      { id: 1, name, popularity: 90, x: 200, likes: 5, outlier: true },
      { id: 2, name: `${name}{b}`, popularity: 10, x: 100, likes: 1, outlier: false },
    ] }) as Rec
    const html = tooltipHtml(option, { name, value: [200, 90, 5] })
    expectEscaped(html, name)
    expect(html[0]).toContain('<br/>')
    expect(option.series[1].data[0].label.formatter()).toBe(name)
  })

  it('word cloud: tooltip escaped', () => {
    expectEscaped(tooltipHtml(wordCloudOption([{ name, value: 9 }]), { name, value: 9 }), name)
  })

  it('pie (playlist tags, fee, covers, sentiment): tooltip escaped', () => {
    const option = pieOption([{ name, value: 3 }, { name: 'b', value: 1 }], { seriesName: name })
    expectEscaped(tooltipHtml(option, { name, value: 3, percent: 75 }), name)
    expect(tooltipHtml(option, { name, value: 3, percent: 75 })[0]).toBe(`${escapeHtml(name)}: 3 (75%)`)
    const keys = pieOption(keySlices([{ key: name, count: 2 }]))
    expectEscaped(tooltipHtml(keys, { name, value: 2, percent: 100 }), name)
    const ring = sentimentRingOption({ positive: 1, neutral: 1, negative: 1 })
    expectEscaped(tooltipHtml(ring, { name, value: 1, percent: 33.3 }), name)
  })

  it('liquid gauge and calendar: tooltip escaped', () => {
    expectEscaped(tooltipHtml(liquidOption({ part: 1, whole: 2, value: 0.5 }, name), {}), name)
    const days = { first: '2020-01-01', counts: [2], total: 2 }
    expectEscaped(tooltipHtml(calendarOption(days, 2020), { value: [name, 2] }), name)
  })

  it('axis charts with names (hot artists, sentiment per song, categories) leave the tooltip to ECharts', () => {
    const hot = hotArtistsOption({ metric: 'songs', years: [2019, 2020], series: [{ id: 1, name, values: [1, 2] }] }) as Rec
    expectEChartsTooltips(hot)
    expect(hot.series[0].name).toBe(name)
    const songs = sentimentSongsOption({ overall: { positive: 1, negative: 0, neutral: 0, unlabelled: 0 },
      songs: [{ id: 1, name, positive: 1, negative: 0, neutral: 0, total: 1 }] }) as Rec
    expectEChartsTooltips(songs)
    expect(songs.yAxis.data).toEqual([name])
    expectEChartsTooltips(categoryOption({ categories: [name], values: [1], seriesName: name, unit: '首' }))
    expectEChartsTooltips(bucketsOption({ unit: 'x', unknown: 0, buckets: [{ label: name, count: 1 }] }, name, '首'))
  })
})

describe('charts without names from the data', () => {
  it('leave their tooltips to ECharts', () => {
    expectEChartsTooltips(releasesOption({ granularity: 'year', points: [{ period: '2019', count: 2 }], unknown: 0 }))
    expectEChartsTooltips(releaseTimelineOption({ first: '2020-01-01', counts: [1], total: 1 }))
    expectEChartsTooltips(sentimentMonthlyOption([{ month: '2020-01', positive: 1, neutral: 0, negative: 0, positive_share: 1 }]))
  })
})
