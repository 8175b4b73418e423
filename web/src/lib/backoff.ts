// Pauses between attempts that double after each one, up to a ceiling: the signaling socket's
// reconnects and a broken media path's ICE restarts.

export class Backoff {
  private pause: number

  constructor(
    readonly first: number,
    readonly max: number,
  ) {
    this.pause = first
  }

  /** The pause before the next attempt; the one after it is twice as long (at most `max`). */
  next(): number {
    const pause = this.pause
    this.pause = Math.min(pause * 2, this.max)
    return pause
  }

  /** It worked: the next failure starts again from `first`. */
  reset(): void {
    this.pause = this.first
  }
}
