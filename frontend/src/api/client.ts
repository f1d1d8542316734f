/**
 * The one HTTP client of the app: an axios instance on `/api`, the bearer token from the
 * session, and every failure turned into an `ApiError` with the server's `{code, message, errors}`.
 *
 * Resource functions live beside this file (`auth.ts`, `users.ts`, ...) and are re-exported by
 * `index.ts`; pages import from `@/api`, never from axios.
 */
import axios, { AxiosHeaders, type AxiosError, type AxiosInstance } from 'axios'

/** The JSON body of every 4xx/5xx response of the Yinqing API. */
export interface ApiErrorBody {
  code: number
  message: string
  errors?: Record<string, string[]>
}

/** A failed API call; `code` is the HTTP status, or 0 when the server could not be reached. */
export class ApiError extends Error {
  readonly code: number
  readonly errors: Record<string, string[]>

  constructor(code: number, message: string, errors: Record<string, string[]> = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.errors = errors
  }

  /** The first server message for one form field, if any. */
  fieldError(field: string): string | undefined {
    return this.errors[field]?.[0]
  }
}

/** What the client needs from the rest of the app (wired in `main.ts` to avoid an import cycle). */
export interface ClientHooks {
  getToken: () => string | null
  /** Called when a request that carried a token was answered 401 (expired or revoked). */
  onUnauthorized: () => void
}

const hooks: ClientHooks = { getToken: () => null, onUnauthorized: () => undefined }

/** Install the token source and the 401 handler. */
export function configureClient(next: Partial<ClientHooks>): void {
  Object.assign(hooks, next)
}

/** Coerce a server `errors` value into `{field: [messages]}`, whatever nesting it came in. */
function normaliseFieldErrors(raw: unknown): Record<string, string[]> {
  if (!raw || typeof raw !== 'object') return {}
  const out: Record<string, string[]> = {}
  for (const [field, value] of Object.entries(raw as Record<string, unknown>)) {
    if (Array.isArray(value)) out[field] = value.map((item) => String(item))
    else if (typeof value === 'string') out[field] = [value]
    else if (value && typeof value === 'object') out[field] = [JSON.stringify(value)]
  }
  return out
}

/** Turn anything thrown by axios (or by our own code) into an `ApiError`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (axios.isAxiosError(error)) {
    const axiosError = error as AxiosError<Partial<ApiErrorBody>>
    const response = axiosError.response
    if (!response) return new ApiError(0, '无法连接服务器 / cannot reach the server')
    const body = response.data
    if (body && typeof body === 'object' && typeof body.message === 'string') {
      const code = typeof body.code === 'number' ? body.code : response.status
      return new ApiError(code, body.message, normaliseFieldErrors(body.errors))
    }
    return new ApiError(response.status, response.statusText || `HTTP ${response.status}`)
  }
  return new ApiError(0, error instanceof Error ? error.message : String(error))
}

/** Build a client for `baseURL` (the app uses `/api`; tests point it at a loopback server). */
export function createHttp(baseURL = '/api'): AxiosInstance {
  const instance = axios.create({ baseURL, timeout: 30_000 })
  instance.interceptors.request.use((config) => {
    const token = hooks.getToken()
    if (token) {
      config.headers = AxiosHeaders.from(config.headers)
      config.headers.set('Authorization', `Bearer ${token}`)
    }
    return config
  })
  instance.interceptors.response.use(undefined, (error: unknown) => {
    const apiError = toApiError(error)
    // A 401 without a token is just a failed login; with a token it means the session is over.
    const sentToken = axios.isAxiosError(error) && Boolean(error.config?.headers?.Authorization)
    if (apiError.code === 401 && sentToken) hooks.onUnauthorized()
    return Promise.reject(apiError)
  })
  return instance
}

/** The shared client every resource module uses. */
export const http = createHttp()
