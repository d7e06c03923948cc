// What the memtrace-ioc command does on signals, as softIoc: SIGHUP re-reads the access security
// file (and with none, says there is nothing to reload: SIGHUP's default action would end the
// process), SIGINT and SIGTERM stop it. A handler that throws or rejects is logged, and the IOC stays up.

import type { Logger } from '../logger';

type SignalHandler = (signal: NodeJS.Signals) => unknown;

/**
 * Listens for `signal`; what `handler` throws or rejects with is logged, never left to end the
 * process. Returns the function that stops listening.
 */
export function onSignal(signal: NodeJS.Signals, logger: Logger, handler: SignalHandler, once = false): () => void {
  const failed = (error: unknown) => logger.error({ err: error, signal }, 'signal handler failed; the IOC goes on');
  const listener = () => {
    try {
      const outcome = handler(signal);
      if (outcome instanceof Promise) outcome.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
  if (once) process.once(signal, listener);
  else process.on(signal, listener);
  return () => process.off(signal, listener);
}

/** SIGHUP: re-read the access security file when one is configured; its own failures are logged where it loads. */
export function reloadOnHangup(logger: Logger, reload: (() => Promise<void>) | undefined): () => void {
  return onSignal('SIGHUP', logger, (signal) => {
    if (reload) return reload().catch(() => undefined);
    logger.info({ signal }, 'SIGHUP: no access security file; nothing to reload');
    return undefined;
  });
}
