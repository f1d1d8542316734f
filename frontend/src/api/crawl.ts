/** /api/admin/crawls: start NetEase crawls and watch them (shapes mirror `yinqing/api/crawl.py`). */
import { http } from './client'

export type CrawlKind = 'toplists' | 'playlist' | 'playlists' | 'artist' | 'album' | 'song' | 'search'
export type PlaylistOrder = 'hot' | 'new'
export type SearchType = 'songs' | 'albums' | 'artists' | 'playlists'

export interface CrawlRequest {
  kind: CrawlKind
  ids?: number[]
  keyword?: string
  search_type?: SearchType
  limit?: number
  comment_pages?: number
  follow_artists?: boolean
  follow_albums?: boolean
  source?: 'site' | 'mirror'
  /** playlists: the listing's category, order and how many playlists to crawl */
  category?: string
  order?: PlaylistOrder
  playlists?: number
}

export interface CrawlSummary {
  finish_reason: string
  seconds: number
  requests: number
  retries: number
  refusals: number
  written: Record<string, number>
  problems: Record<string, number>
  message?: string
}

export interface CrawlJob {
  id: number
  kind: string
  status: 'queued' | 'running' | 'done' | 'failed'
  progress: number
  message: string
  params: Record<string, unknown>
  result: CrawlSummary | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

export interface CrawlList {
  items: CrawlJob[]
  mirror_available: boolean
  categories: string[]
}

/** Queue a crawl; the server answers 202 with the job. */
export async function startCrawl(body: CrawlRequest): Promise<CrawlJob> {
  return (await http.post<CrawlJob>('/admin/crawls', body)).data
}

/** Recent crawls, newest first, and whether this server can crawl its local mirror. */
export async function listCrawls(limit = 20): Promise<CrawlList> {
  return (await http.get<CrawlList>('/admin/crawls', { params: { limit } })).data
}

/** Parse "123, 456 789" into ids; returns null when any part is not a positive integer. */
export function parseIds(text: string): number[] | null {
  const parts = text.split(/[\s,，]+/).filter(Boolean)
  if (!parts.every((p) => /^\d{1,16}$/.test(p) && Number(p) > 0)) return null
  return parts.map(Number)
}
