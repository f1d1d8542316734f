import { describe, expect, it } from 'vitest'
import {
  checkAvatarFile, checkBio, checkConfirmation, checkNickname, checkPassword, checkUsername,
} from './validation'

describe('checkUsername (mirrors the server: 3-32 letters, digits, _ or CJK)', () => {
  it.each(['abc', 'user_01', '音乐迷', 'a'.repeat(32), '张三_2024'])('accepts %s', (name) => {
    expect(checkUsername(name)).toBeNull()
  })

  it.each(['ab', 'a'.repeat(33), 'has space', 'dash-name', 'emoji😀ok', '', 'ｆｕｌｌ'])('refuses %s', (name) => {
    expect(checkUsername(name)).toBe('validation.username')
  })
})

describe('checkPassword', () => {
  it('accepts 8 and 128 characters', () => {
    expect(checkPassword('12345678')).toBeNull()
    expect(checkPassword('x'.repeat(128))).toBeNull()
  })

  it('refuses 7 and 129 characters', () => {
    expect(checkPassword('1234567')).toBe('validation.password')
    expect(checkPassword('x'.repeat(129))).toBe('validation.password')
  })

  it('counts characters like Python does, not UTF-16 units', () => {
    // Four astral-plane characters are 8 UTF-16 units but only 4 characters to the server.
    expect(checkPassword('😀😀😀😀')).toBe('validation.password')
    expect(checkPassword('密码密码密码密码')).toBeNull()
  })
})

describe('form checks', () => {
  it('compares the confirmation exactly', () => {
    expect(checkConfirmation('secret123', 'secret123')).toBeNull()
    expect(checkConfirmation('secret123', 'secret124')).toBe('validation.passwordMismatch')
  })

  it('refuses a blank or too long nickname', () => {
    expect(checkNickname('小明')).toBeNull()
    expect(checkNickname('   ')).toBe('validation.nickname')
    expect(checkNickname('n'.repeat(65))).toBe('validation.nickname')
  })

  it('limits the bio to 500 characters', () => {
    expect(checkBio('')).toBeNull()
    expect(checkBio('字'.repeat(500))).toBeNull()
    expect(checkBio('字'.repeat(501))).toBe('validation.bio')
  })
})

describe('checkAvatarFile', () => {
  it('accepts PNG, JPEG and WebP up to 2 MB', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp']) {
      expect(checkAvatarFile({ type, size: 2 * 1024 * 1024 })).toBeNull()
    }
  })

  it('refuses other types, larger files and no file', () => {
    expect(checkAvatarFile({ type: 'image/gif', size: 10 })).toBe('validation.avatarType')
    expect(checkAvatarFile({ type: 'image/png', size: 2 * 1024 * 1024 + 1 })).toBe('validation.avatarSize')
    expect(checkAvatarFile(null)).toBe('validation.avatarEmpty')
  })
})
