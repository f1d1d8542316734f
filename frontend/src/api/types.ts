/** Shapes returned by the Yinqing API (mirrors `yinqing/api/schemas.py`). */

export type Role = 'user' | 'admin'

export interface User {
  id: number
  username: string
  nickname: string
  bio: string
  role: Role
  /** Same-origin URL of the 256x256 PNG avatar, or null when none was uploaded. */
  avatar_url: string | null
  /** ISO 8601 timestamp, UTC. */
  created_at: string
}

export interface TokenResponse {
  token: string
  user: User
}
