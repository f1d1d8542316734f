import { describe, expect, it } from 'vitest'
import { en } from './en'
import { format, localiseServerMessage, translate } from './index'
import { zhCN } from './zh-CN'

describe('i18n', () => {
  it('defaults to Chinese and can translate to English', () => {
    expect(translate('nav.home')).toBe('首页')
    expect(translate('nav.home', undefined, 'en')).toBe('Home')
  })

  it('fills placeholders and leaves unknown ones alone', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}')
    expect(translate('common.comingSoonHint', { feature: '推荐' })).toContain('推荐')
  })

  it('has the same keys in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort())
  })

  it('picks the half of a bilingual server message that matches the language', () => {
    const message = '用户名或密码错误 / wrong username or password'
    expect(localiseServerMessage(message, 'zh-CN')).toBe('用户名或密码错误')
    expect(localiseServerMessage(message, 'en')).toBe('wrong username or password')
    expect(localiseServerMessage('plain message', 'en')).toBe('plain message')
  })
})
