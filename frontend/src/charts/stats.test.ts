import { describe, expect, it } from 'vitest'
import type { Heat, ReleaseDays, Scatter, Sentiment } from '@/api/stats'
import { SENTIMENT_COLORS } from './palette'
import {
  availabilitySlices, bucketsOption, busiestYear, calendarOption, categoryOption, coverSlices, feeSlices,
  colorsByName, fillPeriods, hotArtistsOption, liquidOption, pointSize, raceOption, releaseDayPairs, releaseTimelineOption, releasesOption, scatterOption,
  sentimentSlices, sentimentSongsOption,
} from './stats'

type Rec = Record<string, any>
const series = (option: unknown): Rec[] => (option as Rec).series as Rec[]

describe('categoryOption', () => {
  it('is null when there is nothing to draw', () => {
    expect(categoryOption({ categories: [], values: [], seriesName: 's', unit: '首' })).toBeNull()
    expect(categoryOption({ categories: ['a'], values: [0], seriesName: 's', unit: '首' })).toBeNull()
  })

  it('draws one series with the unit on the axis and in the tooltip', () => {
    const option = categoryOption({ categories: ['a', 'b'], values: [3, 4], seriesName: '歌曲', unit: '首', kind: 'line' }) as Rec
    expect(option.xAxis.data).toEqual(['a', 'b'])
    expect(option.yAxis.name).toBe('首')
    expect(series(option)[0]).toMatchObject({ type: 'line', name: '歌曲', data: [3, 4], smooth: true })
    expect(option.tooltip.valueFormatter(1234)).toBe('1,234 首')
    expect(option.dataZoom).toBeUndefined()
  })

  it('adds zoom only above the threshold', () => {
    const many = Array.from({ length: 30 }, (_, i) => `${i}`)
    const option = categoryOption({ categories: many, values: many.map(() => 1), seriesName: 's', unit: '首', zoomAbove: 24 }) as Rec
    expect(option.dataZoom).toHaveLength(2)
  })
})

describe('releases and buckets', () => {
  it('uses a line for years and a bar for months', () => {
    const years = releasesOption({ granularity: 'year', points: [{ period: '2019', count: 2 }], unknown: 1 })
    const months = releasesOption({ granularity: 'month', points: [{ period: '2019-01', count: 2 }], unknown: 0 })
    expect(series(years)[0]!.type).toBe('line')
    expect(series(months)[0]!.type).toBe('bar')
    expect(releasesOption(null)).toBeNull()
    expect(releasesOption({ granularity: 'year', points: [], unknown: 5 })).toBeNull()
  })

  it('fills missing years and months with zero', () => {
    expect(fillPeriods([{ period: '2011', count: 2 }, { period: '2014', count: 1 }], 'year')).toEqual([
      { period: '2011', count: 2 }, { period: '2012', count: 0 }, { period: '2013', count: 0 }, { period: '2014', count: 1 },
    ])
    expect(fillPeriods([{ period: '2019-11', count: 1 }, { period: '2020-02', count: 3 }], 'month').map((p) => p.period))
      .toEqual(['2019-11', '2019-12', '2020-01', '2020-02'])
    expect(fillPeriods([], 'year')).toEqual([])
    const option = releasesOption({ granularity: 'year', points: [{ period: '2001', count: 1 }, { period: '2003', count: 1 }], unknown: 0 }) as Rec
    expect(option.xAxis.data).toEqual(['2001', '2002', '2003'])
  })

  it('keeps bucket order and labels', () => {
    const option = bucketsOption({ unit: 'minutes', unknown: 0, buckets: [{ label: '<1分钟', count: 1 }, { label: '1–2分钟', count: 0 }] }, '歌曲', '首') as Rec
    expect(option.xAxis.data).toEqual(['<1分钟', '1–2分钟'])
    expect(series(option)[0]!.data).toEqual([1, 0])
  })
})

describe('slices', () => {
  it('names every key in Chinese and keeps the unknown slice', () => {
    const fee = feeSlices({ fee: [{ key: 'free', count: 2 }, { key: 'unknown', count: 5 }], availability: [] })
    expect(fee).toEqual([{ name: '免费', value: 2 }, { name: '未知', value: 5 }])
    expect(availabilitySlices({ fee: [], availability: [{ key: 'unavailable', count: 1 }] })[0]!.name).toBe('不可播放(无版权)')
    expect(coverSlices({ classes: [{ key: 'cover', count: 3 }], rule: '' })).toEqual([{ name: '翻唱', value: 3 }])
    expect(feeSlices(null)).toEqual([])
  })

  it('leaves unlabelled comments out of the sentiment pie', () => {
    const s: Sentiment = { overall: { positive: 3, negative: 1, neutral: 2, unlabelled: 50 }, songs: [] }
    expect(sentimentSlices(s).map((x) => x.value)).toEqual([3, 2, 1])
    expect(sentimentSlices(s)[0]!.itemStyle.color).toBe(SENTIMENT_COLORS.positive)
  })
})

describe('liquidOption', () => {
  it('is null without a denominator', () => {
    expect(liquidOption({ part: 0, whole: 0, value: null }, '有歌词')).toBeNull()
    expect(liquidOption(undefined, 'x')).toBeNull()
  })

  it('fills to the ratio, clamped to 0..1', () => {
    const option = liquidOption({ part: 1, whole: 4, value: 0.25 }, '有歌词') as Rec
    expect(series(option)[0]!.type).toBe('liquidFill')
    expect(series(option)[0]!.data[0]).toBe(0.25)
    expect(option.tooltip.formatter()).toBe('有歌词: 25.0% (1 / 4)')
    expect(series(liquidOption({ part: 5, whole: 4, value: 1.25 }, 'x'))[0]!.data[0]).toBe(1)
  })
})

describe('raceOption', () => {
  const heat: Heat = {
    by: 'artist', metric: 'popularity',
    top: [{ id: 1, name: '甲', value: 30 }, { id: 2, name: '乙', value: 20 }],
    frames: [
      { year: 2018, items: [{ id: 2, name: '乙', value: 10 }] },
      { year: 2019, items: [{ id: 1, name: '甲', value: 30 }, { id: 2, name: '乙', value: 20 }] },
    ],
  }

  it('plays one timeline step per year', () => {
    const option = raceOption(heat, '热度') as Rec
    expect(option.baseOption.timeline).toMatchObject({ autoPlay: true, data: ['2018', '2019'] })
    expect(option.options).toHaveLength(2)
    expect(option.options[1].series[0].data).toEqual([[30, '甲'], [20, '乙']])
    expect(option.options[1].series[0].encode).toEqual({ x: 0, y: 1 })
    expect(option.baseOption.tooltip.formatter({ value: [1234, '甲'] })).toBe('甲: 1,234 热度')
    expect(option.options[1].series[0].realtimeSort).toBe(true)
    expect(option.baseOption.yAxis.max).toBe(1)
  })

  it('gives each name its own colour, the same in every frame', () => {
    const colors = colorsByName(['甲', '乙', '甲', '丙'])
    expect([...colors.keys()]).toEqual(['甲', '乙', '丙'])
    expect(new Set(colors.values()).size).toBe(3)
    const option = raceOption(heat, '热度') as Rec
    const color = option.options[0].series[0].itemStyle.color
    expect(color({ value: [10, '乙'] })).toBe(colors.get('乙'))
  })

  it('falls back to a static ranking without dated frames, and null when empty', () => {
    const option = raceOption({ ...heat, frames: [] }, '条') as Rec
    expect(option.baseOption).toBeUndefined()
    expect(series(option)[0]!.data).toHaveLength(2)
    expect(raceOption({ ...heat, top: [], frames: [] }, '条')).toBeNull()
    expect(raceOption(null, '条')).toBeNull()
  })
})

describe('release days', () => {
  // 2018-12-30: 1 song, 2019-01-01: 2 songs, 2019-01-03: 3 songs
  const days: ReleaseDays = { first: '2018-12-30', counts: [1, 0, 2, 0, 3], total: 6 }
  const empty: ReleaseDays = { first: null, counts: [], total: 0 }

  it('expands dense daily counts into dated pairs, skipping empty days', () => {
    expect(releaseDayPairs(days)).toEqual([['2018-12-30', 1], ['2019-01-01', 2], ['2019-01-03', 3]])
    expect(releaseDayPairs(empty)).toEqual([])
    expect(releaseDayPairs(null)).toEqual([])
  })

  it('draws a zoomable time chart', () => {
    const option = releaseTimelineOption(days) as Rec
    expect(option.xAxis.type).toBe('time')
    expect(option.dataZoom.map((z: Rec) => z.type)).toEqual(['inside', 'slider'])
    expect(series(option)[0]!.data).toEqual(releaseDayPairs(days))
    expect(releaseTimelineOption(empty)).toBeNull()
  })

  it('picks the busiest year and draws its calendar', () => {
    expect(busiestYear(days)).toBe(2019)
    expect(busiestYear(null)).toBeNull()
    const option = calendarOption(days, 2019) as Rec
    expect(option.calendar.range).toBe('2019')
    expect(series(option)[0]!.data).toEqual([['2019-01-01', 2], ['2019-01-03', 3]])
    expect(option.visualMap.max).toBe(3)
    expect(calendarOption(days, 2001)).toBeNull()
  })
})

describe('hotArtistsOption', () => {
  it('draws one line per artist over the years', () => {
    const option = hotArtistsOption({ metric: 'songs', years: [2018, 2019], series: [{ id: 1, name: '甲', values: [1, 2] }] }) as Rec
    expect(option.xAxis.data).toEqual(['2018', '2019'])
    expect(series(option)).toEqual([expect.objectContaining({ type: 'line', name: '甲', data: [1, 2] })])
    expect(hotArtistsOption({ metric: 'songs', years: [], series: [] })).toBeNull()
  })
})

describe('scatterOption', () => {
  const s: Scatter = {
    x: 'comments', unit: 'comments',
    points: [
      { id: 1, name: '甲', popularity: 90, x: 1000, likes: 400, outlier: true },
      { id: 2, name: '乙', popularity: 40, x: 10, likes: 0, outlier: false },
    ],
  }

  it('splits outliers into a labelled series, sizes by likes, uses a log axis for comments', () => {
    const option = scatterOption(s) as Rec
    const [normal, outliers] = series(option)
    expect(normal!.data).toHaveLength(1)
    expect(outliers!.data[0].label.formatter()).toBe('甲')
    expect(outliers!.data[0].symbolSize).toBe(36)
    expect(normal!.data[0].symbolSize).toBe(6)
    expect(option.xAxis.type).toBe('log')
    expect(option.tooltip.formatter({ name: '甲', value: [1000, 90, 400] })).toContain('评论数(条): 1,000')
  })

  it('uses a linear axis when some x is 0 and is null when empty', () => {
    const zero = { ...s, points: [{ ...s.points[1]!, x: 0 }] }
    expect((scatterOption(zero) as Rec).xAxis.type).toBe('value')
    expect(scatterOption({ ...s, points: [] })).toBeNull()
  })

  it('scales point size by square root', () => {
    expect(pointSize(100, 400)).toBe(21)
    expect(pointSize(5, 0)).toBe(8)
  })
})

describe('sentimentSongsOption', () => {
  it('stacks positive, neutral and negative per song, most commented on top', () => {
    const s: Sentiment = {
      overall: { positive: 0, negative: 0, neutral: 0, unlabelled: 0 },
      songs: [
        { id: 1, name: '甲', positive: 5, negative: 1, neutral: 2, total: 8 },
        { id: 2, name: '乙', positive: 1, negative: 1, neutral: 0, total: 2 },
      ],
    }
    const option = sentimentSongsOption(s) as Rec
    expect(option.yAxis.data).toEqual(['乙', '甲'])
    expect(series(option).map((x) => x.name)).toEqual(['正面', '中性', '负面'])
    expect(series(option)[0]!.data).toEqual([1, 5])
    expect(sentimentSongsOption({ ...s, songs: [] })).toBeNull()
  })
})
