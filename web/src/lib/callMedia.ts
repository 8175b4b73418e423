// What a call asks of our camera and microphone, and what a refusal means for the person
// (SPEC 7 "Denied permissions get a clear explanation", SPEC 13: voice only when the camera is
// refused). Pure functions: useCallMedia opens the devices, the call pages explain.

/** full: camera and microphone; audio: microphone only (音声のみで参加); none: receive only. */
export type MediaMode = 'full' | 'audio' | 'none'

/** Why our media could not be opened, '' when it could.
 * denied / unavailable: camera and microphone were asked for (refused / no device, in use …);
 * micDenied / micUnavailable: the same for the microphone alone, after 「音声のみで参加」. */
export type MediaProblem = '' | 'denied' | 'unavailable' | 'micDenied' | 'micUnavailable'

/** The getUserMedia() constraints of a mode; null: nothing to open. */
export function mediaConstraints(mode: MediaMode): MediaStreamConstraints | null {
  if (mode === 'full') return { audio: true, video: { facingMode: 'user' } }
  if (mode === 'audio') return { audio: true }
  return null
}

/** What a getUserMedia() failure in `mode` means. NotAllowedError is the person's or the
 * browser's refusal; SecurityError a page the browser will not give devices to at all. */
export function mediaProblemOf(error: unknown, mode: MediaMode): MediaProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : ''
  const denied = name === 'NotAllowedError' || name === 'SecurityError'
  if (mode === 'audio') return denied ? 'micDenied' : 'micUnavailable'
  return denied ? 'denied' : 'unavailable'
}

/** The way on from a problem: with the camera refused or missing, the microphone alone; with
 * the microphone refused or missing too, seeing and hearing the others without sending. */
export function fallbackFor(problem: MediaProblem): MediaMode | null {
  if (problem === 'denied' || problem === 'unavailable') return 'audio'
  if (problem === 'micDenied' || problem === 'micUnavailable') return 'none'
  return null
}

/** Whether to show how to allow the camera and microphone in the browser's settings. */
export function isRefusal(problem: MediaProblem): boolean {
  return problem === 'denied' || problem === 'micDenied'
}

export type HelpPlatform = 'iphone' | 'android'

/** Both sets of steps are shown; the person's own phone comes first. iPads ask to be desktops
 * ("Macintosh") but have a touch screen. */
export function helpPlatforms(userAgent: string, touchPoints = 0): HelpPlatform[] {
  const apple = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && touchPoints > 1)
  if (!apple && /Android/.test(userAgent)) return ['android', 'iphone']
  return ['iphone', 'android']
}

/** How staff are told of a family member's problem (「呼び出しの状況」, SPEC 13), from the
 * MediaProblem their call screen reported; null for none or one we do not know. */
export type ProblemSeen = 'refused' | 'unavailable' | 'micRefused' | 'micUnavailable'
export function problemSeen(problem: string | undefined): ProblemSeen | null {
  const seen: Record<string, ProblemSeen> = { denied: 'refused', unavailable: 'unavailable', micDenied: 'micRefused', micUnavailable: 'micUnavailable' }
  return (problem && Object.hasOwn(seen, problem) && seen[problem]) || null
}
