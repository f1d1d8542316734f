/** Loading state for one chart's data: `data`, `loading`, `error` and `load()` (keeps old data while reloading). */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { toApiError } from '@/api'

export interface ChartData<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: Ref<string>
  load: () => Promise<void>
}

/** Wrap `fetcher`; a failed load keeps the previous data and sets `error` to the server's message. */
export function useChartData<T>(fetcher: () => Promise<T>): ChartData<T> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = ref('')
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const value = await fetcher()
      if (mine !== generation) return // a newer load (e.g. changed filters) has started
      data.value = value
      error.value = ''
    } catch (err) {
      if (mine === generation) error.value = toApiError(err).message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  return { data, loading, error, load }
}
