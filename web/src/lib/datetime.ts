/** A deadline as staff and families in Japan read it: 「12/4 03:40」, in Japan time. */
export function jstShort(iso: string): string {
  return new Date(iso).toLocaleString('ja-JP', {
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Tokyo',
  })
}
