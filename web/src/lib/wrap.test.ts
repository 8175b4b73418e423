import { describe, expect, it } from 'vitest'
import { wrapParts } from './wrap'

describe('wrapParts', () => {
  it('breaks an address after @ and before each dot', () => {
    expect(wrapParts('taro.yamada@example.co.jp')).toEqual(['taro', '.yamada@', 'example', '.co', '.jp'])
  })

  it('gives back exactly the text it was given', () => {
    for (const s of ['user.20530.1795551330728.0@example.jp', 'a@b', '..x@@y..', '090-1234-5678', '', '富士田 熊吉']) {
      expect(wrapParts(s).join('')).toBe(s)
    }
  })

  it('leaves text without @ or dots whole', () => {
    expect(wrapParts('090-1234-5678')).toEqual(['090-1234-5678'])
    expect(wrapParts('')).toEqual([])
  })

  it('never makes a part of a lone dot', () => {
    expect(wrapParts('a..b@c')).toEqual(['a', '..b@', 'c'])
  })
})
