// Saves a file the server made (a CSV, the data download) the way a link with `download` does,
// under the name the server gave it.
import type { Download } from '../api/client'

export function saveFile(file: Download): void {
  const url = URL.createObjectURL(file.blob)
  const a = document.createElement('a')
  a.href = url
  a.download = file.filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
