import { describe, expect, it } from 'vitest'
import { fieldErrorMessage } from './errorMessages'

const messages: Record<string, string> = {
  'errors.field.required': '{field}を入力してください。',
  'errors.field.required_choice': '{field}を選択してください。',
  'live.fields.relationship': '続柄',
  'fields.family_name': '姓',
}
const tr = {
  te: (k: string) => k in messages,
  t: (k: string, named?: Record<string, unknown>) =>
    (messages[k] ?? k).replace(/\{(\w+)\}/g, (_, n: string) => String(named?.[n] ?? '')),
}

describe('fieldErrorMessage', () => {
  it('asks to choose a field picked from a list, and to enter a typed one', () => {
    expect(fieldErrorMessage('required', { label: 'live.fields.relationship', choice: true }, tr)).toBe('続柄を選択してください。')
    expect(fieldErrorMessage('required', { label: 'fields.family_name' }, tr)).toBe('姓を入力してください。')
  })
})
