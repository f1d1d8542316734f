import { describe, expect, it } from 'vitest'
import { percent, sentimentMonthlyOption, sentimentRingOption } from './sentiment'
import { SENTIMENT_COLORS } from './palette'

describe('sentimentRingOption', () => {
  it('colours each label with its own colour whatever the order of sizes', () => {
    const option = sentimentRingOption({ positive: 1, neutral: 5, negative: 3 })!
    const data = (option.series as { data: { name: string; value: number; itemStyle: { color: string } }[] }[])[0]!.data
    expect(data.map((d) => d.name)).toEqual(['中性', '消极', '积极'])
    expect(data.find((d) => d.name === '积极')!.itemStyle.color).toBe(SENTIMENT_COLORS.positive)
    expect(data.find((d) => d.name === '消极')!.itemStyle.color).toBe(SENTIMENT_COLORS.negative)
  })

  it('is null when there is nothing to draw', () => {
    expect(sentimentRingOption({ positive: 0, neutral: 0, negative: 0 })).toBeNull()
  })
})

describe('sentimentMonthlyOption', () => {
  it('stacks three bars and draws the positive share on the right axis', () => {
    const option = sentimentMonthlyOption([
      { month: '2020-01', positive: 2, neutral: 1, negative: 1, positive_share: 0.5 },
      { month: '2020-02', positive: 0, neutral: 0, negative: 3, positive_share: 0 },
    ])!
    const series = option.series as { type: string; stack?: string; data: number[]; yAxisIndex?: number }[]
    expect(series.filter((s) => s.stack === 'count')).toHaveLength(3)
    expect(series[0]!.data).toEqual([2, 0])
    expect(series[3]!.yAxisIndex).toBe(1)
    expect((option.xAxis as { data: string[] }).data).toEqual(['2020-01', '2020-02'])
  })

  it('is null without months', () => {
    expect(sentimentMonthlyOption([])).toBeNull()
  })
})

describe('percent', () => {
  it('formats one decimal', () => {
    expect(percent(0.87314)).toBe('87.3%')
  })
})
