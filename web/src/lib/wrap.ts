// Where a long email address may wrap on a narrow phone: after "@" and before each "." —
// "taro.yamada@" / "example" / ".co.jp" rather than in the middle of a word. The parts
// joined again are the address unchanged; BreakableText puts a <wbr> between them.
export function wrapParts(text: string): string[] {
  const parts: string[] = []
  let current = ''
  for (const ch of text) {
    if (ch === '.' && current !== '' && current !== '.') {
      parts.push(current)
      current = ''
    }
    current += ch
    if (ch === '@') {
      parts.push(current)
      current = ''
    }
  }
  if (current !== '') parts.push(current)
  return parts
}
