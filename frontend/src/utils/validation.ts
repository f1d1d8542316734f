/**
 * Client-side checks that mirror the server's rules (`yinqing/services/accounts.py` and the
 * request schemas in `yinqing/api/`), so the user sees a problem before the request is sent.
 * Each check returns a message key, or null when the value is fine.
 */
import type { MessageKey } from '@/i18n'

export const USERNAME_PATTERN = /^[A-Za-z0-9_\u4e00-\u9fff]{3,32}$/
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128
export const NICKNAME_MAX = 64
export const BIO_MAX = 500
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const

/** Length in code points, the way Python's `len()` counts a string. */
export function charLength(value: string): number {
  return Array.from(value).length
}

/** 3–32 letters, digits, underscores or CJK ideographs. */
export function checkUsername(value: string): MessageKey | null {
  return USERNAME_PATTERN.test(value) ? null : 'validation.username'
}

/** 8–128 characters. */
export function checkPassword(value: string): MessageKey | null {
  const length = charLength(value)
  return length >= PASSWORD_MIN && length <= PASSWORD_MAX ? null : 'validation.password'
}

/** The confirmation must repeat the password exactly. */
export function checkConfirmation(password: string, confirmation: string): MessageKey | null {
  return password === confirmation ? null : 'validation.passwordMismatch'
}

/** 1–64 characters and not only spaces (the server strips it). */
export function checkNickname(value: string): MessageKey | null {
  const length = charLength(value.trim())
  return length >= 1 && charLength(value) <= NICKNAME_MAX ? null : 'validation.nickname'
}

/** At most 500 characters. */
export function checkBio(value: string): MessageKey | null {
  return charLength(value) <= BIO_MAX ? null : 'validation.bio'
}

/** PNG/JPEG/WebP and at most 2 MB (the server decodes the image and checks again). */
export function checkAvatarFile(file: { type: string; size: number } | null): MessageKey | null {
  if (!file) return 'validation.avatarEmpty'
  if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) return 'validation.avatarType'
  if (file.size > AVATAR_MAX_BYTES) return 'validation.avatarSize'
  return null
}
