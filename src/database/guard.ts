// Code that decides on a client's write (a SimplePv's validate, a record's onWrite listeners, a
// PV's own write) is the user's. One that throws or rejects refuses that one write with a
// `failed` result; it never unwinds into a server, where a throw would end the process.

import { WRITE_OK, type WriteResult } from './pv';

/** A handler's answer: a reason refuses the write, nothing accepts it. */
export type Verdict = string | undefined | void;
export type MaybeLater<T> = T | PromiseLike<T>;

const isThenable = <T>(value: MaybeLater<T>): value is PromiseLike<T> => typeof (value as PromiseLike<T> | null)?.then === 'function';

/** What a client is told when a PV's own code failed on its behalf: the PV, the operation and the reason. */
export function failureMessage(pvName: string, operation: 'read' | 'write' | 'subscription', cause: unknown): string {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return `${pvName}: ${operation} failed: ${reason}`;
}

/** A write that failed in code rather than by a refusal: the client gets the reason, the server logs `cause`. */
export function writeFailure(pvName: string, cause: unknown): WriteResult {
  return { ok: false, error: 'failed', message: failureMessage(pvName, 'write', cause), cause };
}

/** Runs a write; a throw or a rejection becomes a `failed` result. Synchronous while `attempt` is. */
export function guardWrite(pvName: string, attempt: () => MaybeLater<WriteResult>): WriteResult | Promise<WriteResult> {
  try {
    const result = attempt();
    if (!isThenable(result)) return result;
    return Promise.resolve(result).catch((error: unknown) => writeFailure(pvName, error));
  } catch (error) {
    return writeFailure(pvName, error);
  }
}

/** Asks `decide` (user code), then `apply`s the write it accepts, at once or later (a put with completion); a reason refuses it. */
export function settleWrite(pvName: string, decide: () => MaybeLater<Verdict>, apply: () => MaybeLater<Verdict>): WriteResult | Promise<WriteResult> {
  const result = (refusal: Verdict): WriteResult => (typeof refusal === 'string' ? { ok: false, error: 'rejected', message: refusal } : WRITE_OK);
  const settle = (verdict: Verdict): MaybeLater<WriteResult> => {
    // The store itself may still refuse (a record type's own check, a link field given text that is no link).
    const refusal = typeof verdict === 'string' ? verdict : apply();
    return isThenable(refusal) ? Promise.resolve(refusal).then(result) : result(refusal);
  };
  return guardWrite(pvName, () => {
    const verdict = decide();
    return isThenable(verdict) ? Promise.resolve(verdict).then(settle) : settle(verdict);
  });
}

/** Asks each handler in turn, waiting for one that answers later; the first reason is the verdict. */
export function firstRefusal<A extends unknown[]>(handlers: ReadonlyArray<(...args: A) => MaybeLater<Verdict>>, args: A, from = 0): MaybeLater<Verdict> {
  for (let index = from; index < handlers.length; index++) {
    const verdict = handlers[index]!(...args);
    if (isThenable(verdict)) {
      return Promise.resolve(verdict).then((answer) => (typeof answer === 'string' ? answer : firstRefusal(handlers, args, index + 1)));
    }
    if (typeof verdict === 'string') return verdict;
  }
  return undefined;
}
