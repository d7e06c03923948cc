import type { Logger } from '../logger';

/**
 * Lets through at most `burst` lines per `windowMs`, so that a client that keeps hitting a
 * limit cannot flood the log; the next line let through says how many were held back.
 */
export class LogLimiter {
  private windowStart = -Infinity;
  private linesInWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly burst = 5,
    private readonly windowMs = 60_000,
  ) {}

  warn(fields: Record<string, unknown>, message: string, now = Date.now()): void {
    this.log('warn', fields, message, now);
  }

  error(fields: Record<string, unknown>, message: string, now = Date.now()): void {
    this.log('error', fields, message, now);
  }

  private log(level: 'warn' | 'error', fields: Record<string, unknown>, message: string, now: number): void {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (this.linesInWindow >= this.burst) {
      this.suppressed++;
      return;
    }
    this.linesInWindow++;
    const held = this.suppressed;
    this.suppressed = 0;
    this.logger[level](held > 0 ? { ...fields, suppressed: held } : fields, message);
  }
}
