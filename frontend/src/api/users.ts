/** /api/users: profile, password, avatar of the current user. */
import { http } from './client'
import type { User } from './types'

export interface ProfileInput {
  nickname?: string
  bio?: string
}

/** Change nickname and/or bio. */
export async function updateProfile(input: ProfileInput): Promise<User> {
  const { data } = await http.patch<User>('/users/me', input)
  return data
}

/** Change the password; returns the new token (every older token stops working). */
export async function changePassword(oldPassword: string, newPassword: string): Promise<string> {
  const { data } = await http.post<{ token: string }>('/users/me/password', {
    old_password: oldPassword,
    new_password: newPassword,
  })
  return data.token
}

/** Upload a PNG/JPEG/WebP avatar (at most 2 MB); the server stores a 256x256 PNG. */
export async function uploadAvatar(file: Blob, filename = 'avatar'): Promise<User> {
  const form = new FormData()
  form.append('file', file, filename)
  const { data } = await http.post<User>('/users/me/avatar', form)
  return data
}
