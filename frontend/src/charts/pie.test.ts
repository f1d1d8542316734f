import { describe, expect, it } from 'vitest'
import { foldSlices, pieOption } from './pie'

describe('foldSlices', () => {
  it('sorts largest first and drops empty slices', () => {
    const out = foldSlices([
      { name: 'a', value: 1 },
      { name: 'b', value: 0 },
      { name: 'c', value: 5 },
      { name: 'd', value: -2 },
    ])
    expect(out).toEqual([
      { name: 'c', value: 5 },
      { name: 'a', value: 1 },
    ])
  })

  it('folds the tail into one slice that keeps the total', () => {
    const slices = [5, 4, 3, 2, 1].map((value, index) => ({ name: `s${index}`, value }))
    const out = foldSlices(slices, 3, 'other')
    expect(out.map((slice) => slice.name)).toEqual(['s0', 's1', 'other'])
    expect(out[2]!.value).toBe(6)
    expect(out.reduce((sum, slice) => sum + slice.value, 0)).toBe(15)
  })

  it('does not fold when the slices fit', () => {
    const slices = [{ name: 'x', value: 2 }, { name: 'y', value: 1 }]
    expect(foldSlices(slices, 2)).toEqual(slices)
  })
})

describe('pieOption', () => {
  it('returns null when there is nothing to draw', () => {
    expect(pieOption([])).toBeNull()
    expect(pieOption([{ name: 'zero', value: 0 }])).toBeNull()
  })

  it('builds one pie series with the folded data', () => {
    const option = pieOption(
      [
        { name: '正面', value: 30 },
        { name: '负面', value: 10 },
        { name: '中性', value: 20 },
      ],
      { seriesName: '情感' },
    )
    const series = (option?.series as Array<Record<string, unknown>>)[0]!
    expect(series.type).toBe('pie')
    expect(series.name).toBe('情感')
    expect(series.radius).toBe('58%')
    expect((series.data as Array<{ name: string }>).map((slice) => slice.name)).toEqual(['正面', '中性', '负面'])
  })

  it('draws a ring for donut charts', () => {
    const option = pieOption([{ name: 'a', value: 1 }], { donut: true })
    const series = (option?.series as Array<Record<string, unknown>>)[0]!
    expect(series.radius).toEqual(['38%', '58%'])
  })
})
