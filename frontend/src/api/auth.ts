/** /api/auth: register, log in, log out, current user. */
import { http } from './client'
import type { TokenResponse, User } from './types'

export interface RegisterInput {
  username: string
  password: string
  nickname?: string
}

/** Create an account; the answer already logs the new user in. */
export async function register(input: RegisterInput): Promise<TokenResponse> {
  const { data } = await http.post<TokenResponse>('/auth/register', input)
  return data
}

/** Exchange username and password for a token (401 wrong credentials, 429 rate limited). */
export async function login(username: string, password: string): Promise<TokenResponse> {
  const { data } = await http.post<TokenResponse>('/auth/login', { username, password })
  return data
}

/** Revoke every token of the current user. */
export async function logout(): Promise<void> {
  await http.post('/auth/logout')
}

/** The user the current token belongs to. */
export async function fetchMe(): Promise<User> {
  const { data } = await http.get<User>('/auth/me')
  return data
}
