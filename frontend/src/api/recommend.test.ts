import { describe, expect, it } from 'vitest'
import { reasonText, rowTitle, type RecItem } from './recommend'

const song = { id: 1 } as RecItem['song']

describe('reasonText', () => {
  it('says the reason in the UI language, naming the song', () => {
    const item: RecItem = { song, reason: '因为你喜欢《晴天》', reason_code: 'because', reason_song: { id: 2, name: '晴天' } }
    expect(reasonText(item, 'zh-CN')).toBe('因为你喜欢《晴天》')
    expect(reasonText(item, 'en')).toBe('Because you like “晴天”')
  })

  it('translates reasons without a song', () => {
    const item: RecItem = { song, reason: '热门歌曲', reason_code: 'popular', reason_song: null }
    expect(reasonText(item, 'en')).toBe('Popular songs')
  })

  it('falls back to the server sentence for unknown codes, old servers and vanished songs', () => {
    expect(reasonText({ song, reason: '新理由', reason_code: 'brand_new' }, 'en')).toBe('新理由')
    expect(reasonText({ song, reason: '热门歌曲' }, 'en')).toBe('热门歌曲')
    const gone: RecItem = { song, reason: '因为你喜欢《某首歌》', reason_code: 'because', reason_song: { id: 9, name: null } }
    expect(reasonText(gone, 'en')).toBe('因为你喜欢《某首歌》')
  })
})

describe('rowTitle', () => {
  it('names each recommender row in the UI language', () => {
    expect(rowTitle({ key: 'usercf', title: 'x' }, 'en')).toBe('UserCF: people with your taste also like')
    expect(rowTitle({ key: 'gru', title: 'x' }, 'zh-CN')).toBe('RNN 推荐（接着你最近听的）')
  })
})
