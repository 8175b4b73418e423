// Budget of DESIGN.md: the first load of the login page is at most 150 KiB compressed.
// Sums the gzip size of dist/index.html, every asset it references, and the login page's
// own chunk. Run after `npm run build`: `npm run check:size`.
import { readFileSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const BUDGET = 150 * 1024
const dist = new URL('../dist/', import.meta.url).pathname
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const referenced = [...html.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1])
const loginChunk = readdirSync(join(dist, 'assets')).filter((f) => /^LoginPage-.*\.(js|css)$/.test(f)).map((f) => `assets/${f}`)

let total = gzipSync(html, { level: 9 }).length
console.log(`index.html ${total}`)
for (const file of [...new Set([...referenced, ...loginChunk])]) {
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
  total += size
  console.log(`${file} ${size}`)
}
console.log(`login page first load: ${(total / 1024).toFixed(1)} KiB gzip (budget ${BUDGET / 1024} KiB)`)
if (total > BUDGET) {
  console.error('over budget')
  process.exit(1)
}
