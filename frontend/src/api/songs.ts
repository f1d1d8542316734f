/**
 * Songs, search, artists, albums, home, and the user's feedback (ratings, plays).
 * Shapes mirror `yinqing/api/catalog_schemas.py`.
 */
import { http } from './client'

export interface ArtistRef {
  /** null for artists known only by name (partially crawled songs). */
  id: number | null
  name: string | null
}

export interface SongCard {
  id: number
  name: string | null
  aliases: string[]
  translated_names: string[]
  artists: ArtistRef[]
  album: { id: number; name: string | null } | null
  cover_url: string | null
  duration_ms: number | null
  publish_time: string | null
  popularity: number | null
  fee: number | null
  vip: boolean
  comment_total: number | null
  mv_id: number | null
  /** The logged-in user's score 0-5, or null when not rated (or logged out). */
  my_rating: number | null
}

export interface Paged<T> {
  items: T[]
  total: number
  page: number
  size: number
  /** Song lists count at most 10,000 matches: true when there are more than `total`. */
  total_capped?: boolean
}

export type SongSort = 'popularity' | 'newest' | 'comments'

export interface SongListParams {
  page?: number
  size?: number
  q?: string
  sort?: SongSort
  artist_id?: number
  album_id?: number
  year?: number
  fee?: 'free' | 'vip'
}

export interface SongDetail extends SongCard {
  play_url: string
  has_lyric: boolean
  hot_comment_count: number
  latest_comment_count: number
  similar: SongCard[]
  similar_source: string
}

export interface LyricLine {
  time_ms: number | null
  text: string
  translation: string | null
}

export interface Lyrics {
  song_id: number
  has_translation: boolean
  lines: LyricLine[]
}

export interface SongComment {
  id: number
  user_id: number | null
  nickname: string | null
  content: string
  liked_count: number | null
  time: string | null
  ip_location: string | null
  sentiment_label: string | null
  sentiment_score: number | null
}

export interface ArtistDetail {
  id: number
  name: string | null
  aliases: string[]
  pic_url: string | null
  brief_desc: string | null
  song_count: number
  album_count: number
  music_size: number | null
  avg_popularity: number | null
  max_popularity: number | null
}

export interface AlbumDetail {
  id: number
  name: string | null
  pic_url: string | null
  publish_time: string | null
  company: string | null
  type: string | null
  size: number | null
  artist: ArtistRef | null
  song_count: number
  avg_popularity: number | null
  songs: SongCard[]
}

export interface Slide {
  kind: 'album' | 'song'
  id: number
  title: string | null
  subtitle: string | null
  image_url: string | null
}

export interface RecommendationRow {
  key: 'rnn' | 'usercf' | 'itemcf'
  title: string
  /** True while the row shows popular songs instead of the recommender's own picks. */
  placeholder: boolean
  note: string
  /** "charts": the rows answer a listener of the charts (logged-out home page). */
  seed?: string
  songs: SongCard[]
}

export interface Home {
  carousel: Slide[]
  latest: SongCard[]
  popular: SongCard[]
  recommendations: RecommendationRow[]
}

export interface Rating {
  song_id: number
  score: number
  source: 'heart' | 'stars'
  updated_at: string
}

export interface RatedSong {
  song: SongCard
  score: number
  source: 'heart' | 'stars'
  updated_at: string
}

export interface PlayedSong {
  id: number
  song: SongCard
  played_at: string
}

/** Drop empty values so they are left out of the query string. */
function clean<T extends object>(params: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  ) as Partial<T>
}

/** The library: paged, sorted, filtered, optionally searched (`q`). */
export async function listSongs(params: SongListParams = {}): Promise<Paged<SongCard>> {
  const { data } = await http.get<Paged<SongCard>>('/songs', { params: clean(params) })
  return data
}

/** Fuzzy search (titles, aliases, artists, albums, pinyin; typos tolerated). */
export async function searchSongs(q: string, page = 1, size = 20): Promise<Paged<SongCard>> {
  const { data } = await http.get<Paged<SongCard>>('/search', { params: { q, page, size } })
  return data
}

export async function getSong(id: number): Promise<SongDetail> {
  const { data } = await http.get<SongDetail>(`/songs/${id}`)
  return data
}

export async function getLyrics(id: number): Promise<Lyrics> {
  const { data } = await http.get<Lyrics>(`/songs/${id}/lyrics`)
  return data
}

export async function getComments(
  id: number,
  kind: 'hot' | 'latest',
  page = 1,
  size = 20,
): Promise<Paged<SongComment>> {
  const { data } = await http.get<Paged<SongComment>>(`/songs/${id}/comments`, { params: { kind, page, size } })
  return data
}

/** Set the user's rating: a heart is 5 (`source: 'heart'`), stars are 0-5. */
export async function rateSong(id: number, score: number, source: 'heart' | 'stars' = 'stars'): Promise<Rating> {
  const { data } = await http.put<Rating>(`/songs/${id}/rating`, { score, source })
  return data
}

/** Remove the user's rating (un-heart). */
export async function unrateSong(id: number): Promise<void> {
  await http.delete(`/songs/${id}/rating`)
}

/** Record that the user started playing a song. */
export async function recordPlay(id: number): Promise<void> {
  await http.post(`/songs/${id}/plays`)
}

export async function findArtists(q: string): Promise<ArtistRef[]> {
  const { data } = await http.get<{ items: ArtistRef[] }>('/artists', { params: { q } })
  return data.items
}

export async function getArtist(id: number): Promise<ArtistDetail> {
  const { data } = await http.get<ArtistDetail>(`/artists/${id}`)
  return data
}

export async function listArtistSongs(id: number, params: SongListParams = {}): Promise<Paged<SongCard>> {
  const { data } = await http.get<Paged<SongCard>>(`/artists/${id}/songs`, { params: clean(params) })
  return data
}

export async function getAlbum(id: number): Promise<AlbumDetail> {
  const { data } = await http.get<AlbumDetail>(`/albums/${id}`)
  return data
}

export async function getHome(): Promise<Home> {
  const { data } = await http.get<Home>('/home')
  return data
}

export async function myLikes(page = 1, size = 20): Promise<Paged<RatedSong>> {
  const { data } = await http.get<Paged<RatedSong>>('/me/likes', { params: { page, size } })
  return data
}

export async function myRatings(page = 1, size = 20): Promise<Paged<RatedSong>> {
  const { data } = await http.get<Paged<RatedSong>>('/me/ratings', { params: { page, size } })
  return data
}

export async function myPlays(page = 1, size = 20): Promise<Paged<PlayedSong>> {
  const { data } = await http.get<Paged<PlayedSong>>('/me/plays', { params: { page, size } })
  return data
}

export async function deletePlay(playId: number): Promise<void> {
  await http.delete(`/me/plays/${playId}`)
}

export async function clearPlays(): Promise<void> {
  await http.delete('/me/plays')
}
