/**
 * Recommendations (GRU / UserCF / ItemCF) with reasons, 不感兴趣, similar songs and onboarding.
 * Shapes mirror `yinqing/api/recommend.py`.
 */
import { isMessageKey, translate, type Locale, type MessageKey } from '@/i18n'
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
  /** Why this song, as a Chinese sentence ("因为你喜欢《X》"). */
  reason: string
  /** The same reason as a code the UI translates (`because`, `after`, `popular`, ...). */
  reason_code?: string
  /** The song the reason names, if any. */
  reason_song?: { id: number; name: string | null } | null
}

/** The reason in the UI language: from its code when the catalogue knows it, else as sent. */
export function reasonText(item: RecItem, lang?: Locale): string {
  const key = `recommend.reason.${item.reason_code}`
  const name = item.reason_song?.name
  if (!item.reason_code || !isMessageKey(key)) return item.reason
  if (item.reason_song && !name) return item.reason // the named song is gone: the server's wording
  return translate(key, { name: name ?? '' }, lang)
}

/** A home-page row's title in the UI language. */
export function rowTitle(row: { key: Algorithm; title: string }, lang?: Locale): string {
  const key = `recommend.row.${row.key}`
  return isMessageKey(key) ? translate(key, {}, lang) : row.title
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

/** One recommender's row of the offline evaluation on the app's own data (模型评估). */
export interface EvaluationRow {
  method: string
  key: string
  train_s: number
  eval_s: number
  'HR@10': number
  'HR@20': number
  'MRR@20': number
  'NDCG@10': number
  'Coverage@20': number
  'PopBias@20': number
}

export interface Evaluation {
  computed_at: string
  n_events: number
  n_train_events: number
  n_catalogue: number
  n_test_cases: number
  n_scored_cases: number
  split: string
  rows: EvaluationRow[]
}

export interface CurvePoint {
  epoch: number
  loss: number
  events_per_second: number
}

export interface GruModel {
  version: string
  created_at: string
  n_events: number
  n_songs: number
  params: Record<string, unknown>
  curve?: CurvePoint[]
}

export interface ModelQuality {
  evaluation: Evaluation | null
  gru: GruModel | null
}

export async function getEvaluation(): Promise<ModelQuality> {
  return (await http.get<ModelQuality>('/recommend/evaluation')).data
}

export interface TrainJob {
  id: number
  status: 'queued' | 'running' | 'done' | 'failed'
  progress: number
  message: string
}

/** Retrain the GRU and refresh the evaluation: a background job, followed with `getJob`. */
export async function retrain(): Promise<TrainJob> {
  return (await http.post<TrainJob>('/recommend/train', {})).data
}

export async function getJob(id: number): Promise<TrainJob> {
  return (await http.get<TrainJob>(`/jobs/${id}`)).data
}
