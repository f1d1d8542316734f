import { describe, expect, it } from 'vitest'
import { parseIds } from './crawl'

describe('parseIds', () => {
  it('reads ids separated by spaces and commas', () => {
    expect(parseIds('3778678, 19723756，2884035\n1')).toEqual([3778678, 19723756, 2884035, 1])
    expect(parseIds('  ')).toEqual([])
  })
  it('refuses anything that is not a positive integer', () => {
    expect(parseIds('12a')).toBeNull()
    expect(parseIds('0')).toBeNull()
    expect(parseIds('-5')).toBeNull()
    expect(parseIds('1.5')).toBeNull()
  })
})
