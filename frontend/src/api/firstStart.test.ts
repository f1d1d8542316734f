import { describe, expect, it } from 'vitest'
import { percent, type FirstStart } from './firstStart'

const state = (progress: number): FirstStart => ({
  active: true, status: 'running', progress, message: '', started_at: null, finished_at: null,
})

describe('percent', () => {
  it('turns the job fraction into a bar percentage with one decimal', () => {
    expect(percent(state(0.4237))).toBe(42.4)
    expect(percent(state(1))).toBe(100)
  })

  it('keeps the bar inside 0-100 whatever the server sends', () => {
    expect(percent(state(-0.5))).toBe(0)
    expect(percent(state(3))).toBe(100)
  })
})
