import { describe, expect, it } from 'vitest'
import { FONT_RANGE, termColor, wordCloudOption } from './wordcloud'

type Rec = Record<string, any>

describe('wordCloudOption', () => {
  it('is null when there are no usable terms', () => {
    expect(wordCloudOption([])).toBeNull()
    expect(wordCloudOption(null)).toBeNull()
    expect(wordCloudOption([{ name: ' ', value: 3 }, { name: '空', value: 0 }])).toBeNull()
  })

  it('draws one wordCloud series, keeps order and colours each term', () => {
    const option = wordCloudOption([{ name: '青春', value: 9 }, { name: '回忆', value: 4 }], '歌词') as Rec
    const series = option.series[0]
    expect(series.type).toBe('wordCloud')
    expect(series.name).toBe('歌词')
    expect(series.sizeRange).toEqual(FONT_RANGE)
    expect(series.data.map((d: Rec) => d.name)).toEqual(['青春', '回忆'])
    expect(series.data[1].textStyle.color).toBe(termColor(1))
    expect(option.tooltip.formatter({ name: '青春', value: 9 })).toBe('青春: 9 次')
  })
})
