/** Any failure of the tracing engine that a caller can act on. */
export class TracingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TracingError';
  }
}

/**
 * V8 has one sampling heap profiler per isolate, and the inspector lets a second client "start" it
 * silently and then stop it under the first one's feet. The engine refuses to share it.
 */
export class TracingConflictError extends TracingError {
  constructor(message: string) {
    super(message);
    this.name = 'TracingConflictError';
  }
}
