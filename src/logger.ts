import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggingOptions {
  level?: LoggerOptions['level'];
  /** Human-readable lines through pino-pretty instead of JSON. */
  pretty?: boolean;
}

/** The one root logger of a process; servers and circuits take child loggers from it. */
export function createLogger(options: LoggingOptions = {}): Logger {
  const level = options.level ?? process.env.MEMTRACE_LOG_LEVEL ?? 'info';
  if (options.pretty) {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, destination: 2 } } });
  }
  return pino({ level }, pino.destination(2));
}

/** For library users who pass no logger: nothing is printed. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
