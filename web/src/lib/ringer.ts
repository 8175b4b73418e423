// The ring of a call that reaches the family (SPEC 13): a short two-note chime and a vibration,
// repeated until stop(). Browsers allow sound only after the person touched the page once: a
// ring that starts before that is silent (the vibration and the banner still show) and becomes
// audible at the first tap anywhere.

/** What we use of the Web Audio API (a fake in unit tests). */
export interface ToneHost {
  readonly state: AudioContextState
  readonly currentTime: number
  readonly destination: AudioNode
  resume(): Promise<void>
  createOscillator(): OscillatorNode
  createGain(): GainNode
}

/** One chime, then this pause, then the next one. */
export const RING_EVERY_MS = 3000
const NOTES = [
  { hz: 880, at: 0, length: 0.35 },
  { hz: 660, at: 0.45, length: 0.5 },
]
const VIBRATION = [400, 200, 400]

export class Ringer {
  private audio: ToneHost | null = null
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly unlock = () => void this.audio?.resume().catch(() => undefined)

  constructor(
    private readonly makeAudio: () => ToneHost | null = defaultAudio,
    private readonly vibrate: (pattern: number[] | number) => void = defaultVibrate,
    private readonly events: Pick<Document, 'addEventListener' | 'removeEventListener'> = document,
  ) {}

  get ringing(): boolean {
    return this.timer !== undefined
  }

  start(): void {
    if (this.timer !== undefined) return
    this.audio ??= this.makeAudio()
    if (this.audio?.state === 'suspended') {
      this.unlock()
      for (const type of ['pointerdown', 'keydown'] as const) this.events.addEventListener(type, this.unlock, { capture: true })
    }
    this.chime()
    this.timer = setInterval(() => this.chime(), RING_EVERY_MS)
  }

  stop(): void {
    if (this.timer === undefined) return
    clearInterval(this.timer)
    this.timer = undefined
    for (const type of ['pointerdown', 'keydown'] as const) this.events.removeEventListener(type, this.unlock, { capture: true })
    this.vibrate(0)
  }

  private chime(): void {
    this.vibrate(VIBRATION)
    const audio = this.audio
    if (!audio || audio.state !== 'running') return
    const t0 = audio.currentTime
    for (const note of NOTES) {
      const osc = audio.createOscillator()
      const gain = audio.createGain()
      osc.type = 'sine'
      osc.frequency.value = note.hz
      // A soft attack and release, so the tone does not click.
      gain.gain.setValueAtTime(0, t0 + note.at)
      gain.gain.linearRampToValueAtTime(0.4, t0 + note.at + 0.03)
      gain.gain.linearRampToValueAtTime(0, t0 + note.at + note.length)
      osc.connect(gain).connect(audio.destination)
      osc.start(t0 + note.at)
      osc.stop(t0 + note.at + note.length + 0.05)
    }
  }
}

function defaultAudio(): ToneHost | null {
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
  try {
    return Ctor ? new Ctor() : null
  } catch {
    return null
  }
}

function defaultVibrate(pattern: number[] | number): void {
  try {
    navigator.vibrate?.(pattern)
  } catch {
    // not on this device
  }
}
