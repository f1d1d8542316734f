/**
 * Recommendations (GRU / UserCF / ItemCF) with reasons, 不感兴趣, similar songs and onboarding.
 * Shapes mirror `yinqing/api/recommend.py`.
 */
import type { MessageKey } from '@/i18n'
import { http } from './client'
import type { SongCard } from './songs'

export type Algorithm = 'gru' | 'usercf' | 'itemcf'

/** The recommenders, each with the catalogue key of its name. */
export const ALGORITHMS: { key: Algorithm; label: MessageKey }[] = [
  { key: 'gru', label: 'recommend.algorithm.gru' },
  { key: 'usercf', label: 'recommend.algorithm.usercf' },
  { key: 'itemcf', label: 'recommend.algorithm.itemcf' },
]

export interface RecItem {
  song: SongCard
  /** Why this song, in words the user can read ("因为你喜欢《X》"). */
  reason: string
}

export interface RecResult {
  algorithm: Algorithm
  /** True for a user without history: popular songs, and the page offers the onboarding picker. */
  cold_start: boolean
  /** A fallback note (e.g. the GRU model is not trained yet), or null. */
  message: string | null
  model_version: string | null
  items: RecItem[]
}

export interface RecRow extends RecResult {
  key: Algorithm
  title: string
}

export interface Onboarding {
  songs: SongCard[]
  artists: { id: number; name: string | null; pic_url: string | null }[]
}

export async function getRecommendations(algorithm: Algorithm, k = 20): Promise<RecResult> {
  return (await http.get<RecResult>('/recommend', { params: { algorithm, k } })).data
}

export async function getRows(k = 4): Promise<RecRow[]> {
  return (await http.get<{ rows: RecRow[] }>('/recommend/rows', { params: { k } })).data.rows
}

export async function notInterested(songId: number): Promise<void> {
  await http.post('/recommend/not-interested', { song_id: songId })
}

export async function getSimilar(songId: number, k = 8): Promise<{ song_id: number; items: RecItem[] }> {
  return (await http.get(`/songs/${songId}/similar`, { params: { k } })).data
}

export async function getOnboarding(): Promise<Onboarding> {
  return (await http.get<Onboarding>('/recommend/onboarding')).data
}

export async function postOnboarding(songIds: number[], artistIds: number[]): Promise<{ hearted: number[] }> {
  return (await http.post('/recommend/onboarding', { song_ids: songIds, artist_ids: artistIds })).data
}
