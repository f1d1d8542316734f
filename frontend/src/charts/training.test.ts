import { describe, expect, it } from 'vitest'
import { trainingCurveOption } from './training'

describe('trainingCurveOption', () => {
  it('draws the loss by epoch and the speed on its own axis', () => {
    const option = trainingCurveOption([
      { epoch: 1, loss: 4.2, events_per_second: 20000 },
      { epoch: 2, loss: 3.1, events_per_second: 21000 },
    ])!
    expect((option.xAxis as { data: string[] }).data).toEqual(['1', '2'])
    const series = option.series as { type: string; data: number[]; yAxisIndex?: number }[]
    expect(series[0]).toMatchObject({ type: 'line', data: [4.2, 3.1] })
    expect(series[1]).toMatchObject({ type: 'bar', data: [20000, 21000], yAxisIndex: 1 })
  })

  it('is null without a curve (the chart box shows its empty state)', () => {
    expect(trainingCurveOption([])).toBeNull()
    expect(trainingCurveOption(undefined)).toBeNull()
  })
})
