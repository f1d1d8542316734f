/**
 * Everything the pages need from the API. Each resource has its own module; add yours
 * (e.g. `songs.ts`) and one `export * from './songs'` line here.
 */
export { ApiError, configureClient, http, toApiError } from './client'
export type { ApiErrorBody, ClientHooks } from './client'
export * from './types'
export * as authApi from './auth'
export * as usersApi from './users'
export * as statsApi from './stats'
export * as songsApi from './songs'
export * as sentimentApi from './sentiment'
export * as crawlApi from './crawl'
export * as recommendApi from './recommend'
export * as firstStartApi from './firstStart'
