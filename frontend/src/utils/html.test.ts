import { describe, expect, it } from 'vitest'
import { escapeHtml } from './html'

describe('escapeHtml', () => {
  it('turns every markup character into an entity', () => {
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;')
    expect(escapeHtml(`"><script>a('b') & c</script>`)).toBe('&quot;&gt;&lt;script&gt;a(&#39;b&#39;) &amp; c&lt;/script&gt;')
  })

  it('escapes an entity once (no double decoding on the way back) and keeps plain text', () => {
    expect(escapeHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;')
    expect(escapeHtml('周杰伦 · Jay Chou')).toBe('周杰伦 · Jay Chou')
  })

  it('writes numbers as text and null or undefined as nothing', () => {
    expect(escapeHtml(12)).toBe('12')
    expect(escapeHtml(null)).toBe('')
    expect(escapeHtml(undefined)).toBe('')
  })
})
