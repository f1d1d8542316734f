/** /api/first-start: progress of the first start's background job (shape mirrors `yinqing/api/first_start.py`). */
import { http } from './client'

export interface FirstStart {
  active: boolean
  status: 'queued' | 'running' | 'done' | 'failed' | null
  progress: number
  message: string
  started_at: string | null
  finished_at: string | null
}

/** Where the first start stands (public; no login needed). */
export async function getFirstStart(): Promise<FirstStart> {
  return (await http.get<FirstStart>('/first-start')).data
}

/** The bar's percentage, 0-100 with one decimal. */
export function percent(state: FirstStart): number {
  return Math.round(Math.min(1, Math.max(0, state.progress)) * 1000) / 10
}
