/** /api/stats: one read-only endpoint per dashboard chart (shapes mirror `yinqing/services/stats.py`). */
import { http } from './client'

/** Filters most charts accept; unset fields are left out of the query string. */
export interface StatsFilters {
  year_from?: number
  year_to?: number
  artist_id?: number
  playlist_id?: number
}

export interface Ratio {
  part: number
  whole: number
  /** part / whole, or null when whole is 0. */
  value: number | null
}

export interface Overview {
  counts: Record<'songs' | 'songs_detailed' | 'artists' | 'albums' | 'playlists' | 'comments' | 'lyrics' | 'users', number>
  ratios: Record<'lyrics_share' | 'analysed_share' | 'positive_share', Ratio>
}

export interface FilterOptions {
  years: { min: number | null; max: number | null }
  artists: { id: number; name: string; songs: number }[]
  playlists: { id: number; name: string; toplist: boolean }[]
}

export interface Releases {
  granularity: 'year' | 'month'
  points: { period: string; count: number }[]
  unknown: number
}

export interface ReleaseDays {
  /** The first day with a release (YYYY-MM-DD, China time), or null when there is none. */
  first: string | null
  /** Songs released on each day from `first` on, zeros included. */
  counts: number[]
  total: number
}

export interface Buckets {
  unit: string
  buckets: { label: string; count: number }[]
  unknown: number
}

export interface Tags {
  tags: { name: string; count: number }[]
  untagged: number
  playlists: number
}

export interface RankItem {
  id: number
  name: string
  value: number
}

export interface Heat {
  by: 'artist' | 'album'
  metric: 'popularity' | 'comments'
  top: RankItem[]
  frames: { year: number; items: RankItem[] }[]
}

export interface HotArtists {
  metric: 'songs' | 'popularity'
  years: number[]
  series: { id: number; name: string; values: number[] }[]
}

export interface KeyCount {
  key: string
  count: number
}

export interface Copyright {
  fee: KeyCount[]
  availability: KeyCount[]
}

export interface Covers {
  classes: KeyCount[]
  rule: string
}

export interface ScatterPoint {
  id: number
  name: string
  popularity: number
  x: number
  likes: number
  outlier: boolean
}

export interface Scatter {
  x: 'comments' | 'duration'
  unit: string
  points: ScatterPoint[]
}

export interface SentimentCounts {
  positive: number
  negative: number
  neutral: number
  unlabelled: number
}

export interface Sentiment {
  overall: SentimentCounts
  songs: { id: number; name: string; positive: number; negative: number; neutral: number; total: number }[]
}

export interface WordCloudQuery {
  source: 'lyrics' | 'comments'
  artist_id?: number
  song_id?: number
  sentiment?: 'positive' | 'negative' | 'neutral'
  limit?: number
}

export interface WordCloud {
  source: 'lyrics' | 'comments'
  scope: 'all' | 'artist' | 'song'
  documents: number
  terms: { name: string; value: number }[]
}

/** Drop undefined/null/empty values so the server only sees the filters that are set. */
export function cleanParams(params: object): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') out[key] = value as string | number
  }
  return out
}

async function getStats<T>(path: string, params: object = {}): Promise<T> {
  const { data } = await http.get<T>(`/stats/${path}`, { params: cleanParams(params) })
  return data
}

export const filterOptions = () => getStats<FilterOptions>('filters')
export const overview = () => getStats<Overview>('overview')
export const releases = (f: StatsFilters, granularity: 'year' | 'month' = 'year') =>
  getStats<Releases>('releases', { ...f, granularity })
export const releaseDays = (f: StatsFilters = {}) => getStats<ReleaseDays>('release-days', f)
export const durations = (f: StatsFilters = {}) => getStats<Buckets>('durations', f)
export const albumSizes = (f: StatsFilters = {}) => getStats<Buckets>('album-sizes', f)
export const tags = (playlistId?: number) => getStats<Tags>('tags', { playlist_id: playlistId })
export const heat = (f: StatsFilters, by: 'artist' | 'album' = 'artist', metric: 'popularity' | 'comments' = 'popularity', limit = 10) =>
  getStats<Heat>('heat', { ...f, by, metric, limit })
export const hotArtists = (f: StatsFilters, metric: 'songs' | 'popularity' = 'songs', limit = 5) =>
  getStats<HotArtists>('hot-artists', { ...f, metric, limit })
export const copyright = (f: StatsFilters = {}) => getStats<Copyright>('copyright', f)
export const covers = (f: StatsFilters = {}) => getStats<Covers>('covers', f)
export const scatter = (f: StatsFilters, x: 'comments' | 'duration' = 'comments', limit = 1000) =>
  getStats<Scatter>('scatter', { ...f, x, limit })
export const sentiment = (f: StatsFilters = {}, limit = 10) => getStats<Sentiment>('sentiment', { ...f, limit })
export const wordCloud = (q: WordCloudQuery) => getStats<WordCloud>('wordcloud', q)
