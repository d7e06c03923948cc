/** What the server should do about a circuit, as `Liveness.check` sees it. */
export type LivenessVerdict = 'probe' | 'dead' | undefined;

/**
 * Finds circuits of clients that have gone away without closing their socket. A circuit silent
 * for `inactivityMs` is probed with an ECHO; one that then stays silent for `echoTimeoutMs` and
 * has not taken a byte of what it was sent since the probe is dead. A silent circuit that does
 * read counts as alive: libca takes a server's ECHO for the answer to its own and never replies,
 * and a client that only monitors sends nothing for as long as updates flow.
 */
export class Liveness {
  /** Set for every chunk received and cleared by `check`, so that receiving reads no clock. */
  heard = false;
  private lastHeard: number;
  private probedAt: number | undefined;

  constructor(
    now: number,
    private readonly inactivityMs: number,
    private readonly echoTimeoutMs: number,
  ) {
    this.lastHeard = now;
  }

  /** Called periodically; `fullSince` is when the socket last stopped taking data, if it has not taken any since. */
  check(now: number, fullSince: number | undefined): LivenessVerdict {
    if (this.heard) {
      this.heard = false;
      this.lastHeard = now;
      this.probedAt = undefined;
      return undefined;
    }
    if (this.probedAt === undefined) {
      if (now - this.lastHeard < this.inactivityMs) return undefined;
      this.probedAt = now;
      return 'probe';
    }
    if (now - this.probedAt < this.echoTimeoutMs) return undefined;
    if (fullSince !== undefined && fullSince <= this.probedAt) return 'dead';
    this.lastHeard = now;
    this.probedAt = undefined;
    return undefined;
  }
}
