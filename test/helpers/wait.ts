/**
 * Polls `condition` until it holds, for events no promise announces (a server's counters, a
 * listener's list); fails naming `what` after `timeoutMs`. Tests wait on this, never on a sleep.
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lets what is already scheduled with setImmediate run first (a server's flush of its send queue). */
export const afterScheduledFlush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
