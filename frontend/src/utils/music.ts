/** Pure helpers for song display: durations, dates, cover thumbnails, lyric position, sentiment tags. */
import type { ArtistRef } from '@/api/songs'
import { translate } from '@/i18n'

/** 215000 -> "3:35"; unknown -> "--:--". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '--:--'
  const total = Math.round(ms / 1000)
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return `${minutes}:${String(seconds).padStart(2, '0')}`
}

/** A timestamp from the API as a Date. The API sends UTC: naive ISO strings get a "Z". */
export function parseUtc(value: string | null | undefined): Date | null {
  if (!value) return null
  const zoned = /[zZ]|[+-]\d\d:?\d\d$|GMT$/.test(value) ? value : `${value}Z`
  const date = new Date(zoned)
  return Number.isNaN(date.getTime()) ? null : date
}

/** The date in China time ("2012-08-10"), or "" when unknown. NetEase release times are
 * midnight in China, i.e. 16:00 UTC the day before, so the UTC date part would be a day early. */
export function formatDate(value: string | null | undefined): string {
  const date = parseUtc(value)
  return date ? date.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }) : ''
}

/** NetEase image hosts resize on request: ask for a thumbnail instead of the full cover. */
export function thumbnail(url: string | null | undefined, size = 240): string | undefined {
  if (!url) return undefined
  if (!/^https?:\/\/[^/]*music\.126\.net\//.test(url)) return url
  return `${url.split('?')[0]}?param=${size}y${size}`
}

/** "周杰伦 / 费玉清" from an artist list. */
export function artistNames(artists: ArtistRef[]): string {
  return artists.map((a) => a.name ?? '').filter(Boolean).join(' / ')
}

/** Index of the lyric line being sung at `timeMs` (-1 before the first timed line). */
export function activeLine(lines: { time_ms: number | null }[], timeMs: number): number {
  let active = -1
  lines.forEach((line, index) => {
    if (line.time_ms !== null && line.time_ms <= timeMs) active = index
  })
  return active
}

/** Tag text (in the UI language) and Element Plus tag type of a comment's sentiment label. */
export function sentimentTag(label: string | null): { text: string; type: 'success' | 'danger' | 'info' } | null {
  if (label === 'positive') return { text: translate('sentiment.label.positive'), type: 'success' }
  if (label === 'negative') return { text: translate('sentiment.label.negative'), type: 'danger' }
  if (label === 'neutral') return { text: translate('sentiment.label.neutral'), type: 'info' }
  return null
}
