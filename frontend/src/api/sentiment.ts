/** /api/sentiment/analyze and /api/songs/<id>/sentiment (shapes mirror `yinqing/api/sentiment.py`). */
import { http } from './client'

export type SentimentLabel = 'positive' | 'negative' | 'neutral'

export interface InfluentialToken {
  token: string
  /** > 0 pushed towards positive, < 0 towards negative. */
  weight: number
}

export type ClassProbs = Record<SentimentLabel, number>

export interface SentimentResult {
  label: SentimentLabel
  /** P(positive). */
  probability: number
  /** P of each class (sums to 1); null when there was no text to judge. */
  probs: ClassProbs | null
  /** P of the chosen label. */
  confidence: number
  neutral: boolean
  reason?: 'no_text' | 'not_chinese'
  truncated?: boolean
  tokens?: InfluentialToken[]
}

export interface AnalyzeOne extends SentimentResult {
  model: string
  /** Binary models only; null for the three-class model. */
  neutral_band: [number, number] | null
}

export interface AnalyzeMany {
  results: SentimentResult[]
  model: string
  neutral_band: [number, number] | null
}

export interface SentimentComment {
  id: number
  content: string
  nickname: string | null
  liked_count: number
  time: string | null
  label: SentimentLabel
  probability: number
  probs: ClassProbs | null
}

export interface MonthCount {
  month: string
  total: number
  positive: number
  neutral: number
  negative: number
  positive_share: number
}

export interface SongSentiment {
  song_id: number
  song_name: string | null
  total_comments: number
  labelled: number
  unlabelled: number
  counts: Record<SentimentLabel, number>
  shares: Record<SentimentLabel, number>
  /** Per label: the mean probability the model gave it on the comments it labelled so (null: none). */
  confidence: Record<SentimentLabel, number | null>
  /** Mean of each class probability over all judged comments. */
  mean_probs: Record<SentimentLabel, number | null>
  by_month: MonthCount[]
  most_positive: SentimentComment[]
  most_negative: SentimentComment[]
  words: { positive: { name: string; value: number }[]; negative: { name: string; value: number }[] }
  model_versions: string[]
}

/** The most texts one batch request may carry. */
export const MAX_BATCH = 100

export const analyze = (text: string) =>
  http.post<AnalyzeOne>('/sentiment/analyze', { text }).then((r) => r.data)

export const analyzeMany = (texts: string[]) =>
  http.post<AnalyzeMany>('/sentiment/analyze', { texts }).then((r) => r.data)

export const songSentiment = (songId: number, top = 5) =>
  http.get<SongSentiment>(`/songs/${songId}/sentiment`, { params: { top } }).then((r) => r.data)
