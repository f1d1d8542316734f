import { describe, expect, it } from 'vitest'
import { activeLine, artistNames, formatDate, formatDuration, sentimentTag, thumbnail } from './music'

describe('music helpers', () => {
  it('formats durations', () => {
    expect(formatDuration(215000)).toBe('3:35')
    expect(formatDuration(5999)).toBe('0:06')
    expect(formatDuration(null)).toBe('--:--')
    expect(formatDuration(-1)).toBe('--:--')
  })

  it('formats dates and artist names', () => {
    expect(formatDate('2012-08-10T00:00:00')).toBe('2012-08-10')
    // A NetEase release time: midnight in China is 16:00 UTC the day before.
    expect(formatDate('2010-05-17T16:00:00')).toBe('2010-05-18')
    expect(formatDate('Thu, 09 Aug 2012 16:00:00 GMT')).toBe('2012-08-10')
    expect(formatDate('2012-08-09T16:00:00+00:00')).toBe('2012-08-10')
    expect(formatDate('not a date')).toBe('')
    expect(formatDate(null)).toBe('')
    expect(artistNames([{ id: 1, name: '周杰伦' }, { id: null, name: '费玉清' }, { id: 3, name: null }])).toBe('周杰伦 / 费玉清')
  })

  it('asks NetEase for thumbnails only', () => {
    expect(thumbnail('https://p1.music.126.net/abc.jpg', 100)).toBe('https://p1.music.126.net/abc.jpg?param=100y100')
    expect(thumbnail('https://example.org/a.jpg')).toBe('https://example.org/a.jpg')
    expect(thumbnail(null)).toBeUndefined()
  })

  it('finds the active lyric line', () => {
    const lines = [{ time_ms: null }, { time_ms: 1000 }, { time_ms: 5000 }]
    expect(activeLine(lines, 0)).toBe(-1)
    expect(activeLine(lines, 1000)).toBe(1)
    expect(activeLine(lines, 99999)).toBe(2)
  })

  it('maps sentiment labels', () => {
    expect(sentimentTag('positive')?.text).toBe('积极')
    expect(sentimentTag(null)).toBeNull()
  })
})
