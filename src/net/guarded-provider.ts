// A server calls user code on a client's behalf: a provider's find, a PV's access rights, write
// and alarm acknowledgement. Wrapped here, below both protocols' circuits, a throw or a rejection
// becomes an answer to that one client (not found, no access, a failed write) and a log line
// naming the PV and the client, rate-limited; every other client keeps being served. Reads (value,
// metadata, subscribe) pass through: the circuits answer a failed read in their protocol's terms.

import { guardWrite, writeFailure } from '../database/guard';
import { providerServes } from '../database/pv';
import type { AccessRights, ClientIdentity, FieldValue, ProcessVariable, PutCompletion, PutProcessing, PvProvider, WriteResult } from '../database/pv';
import type { Logger } from '../logger';
import { LogLimiter } from './log-limiter';

const NO_ACCESS: AccessRights = Object.freeze({ read: false, write: false });

/** Failures of lookups and of handlers are limited apart, so that a flood of one does not hide the other. */
interface FailureLogs {
  readonly lookups: LogLimiter;
  readonly handlers: LogLimiter;
}

export function guardProvider(provider: PvProvider, logger: Logger): PvProvider {
  const logs: FailureLogs = { lookups: new LogLimiter(logger), handlers: new LogLimiter(logger) };
  const guarded: PvProvider = {
    find(name) {
      let pv: ProcessVariable | undefined;
      try {
        pv = provider.find(name);
      } catch (error) {
        logs.lookups.error({ err: error, pv: name }, 'PV provider failed');
        return undefined;
      }
      return pv && (pv.runsNoUserCode ? pv : new GuardedPv(pv, logs.handlers));
    },
    serves(name) {
      try {
        return providerServes(provider, name);
      } catch (error) {
        logs.lookups.error({ err: error, pv: name }, 'PV provider failed');
        return false;
      }
    },
  };
  if (provider.subscribeAccessChanges) guarded.subscribeAccessChanges = (listener) => provider.subscribeAccessChanges!(listener);
  return guarded;
}

/**
 * What the guard does with each member of ProcessVariable: `guarded` ones are GuardedPv's own
 * methods below, the others pass through to the PV. Typed over every key of the interface, so a
 * member added there and not here does not compile, and none is silently left out.
 */
const MEMBERS = {
  name: 'field',
  type: 'field',
  maxElements: 'field',
  className: 'field',
  isText: 'field',
  unsignedChar: 'field',
  logClientWrites: 'field',
  runsNoUserCode: 'field',
  value: 'method',
  scalar: 'method',
  alarm: 'method',
  timeStamp: 'method',
  metadata: 'method',
  description: 'method',
  subscribe: 'method',
  accessRights: 'guarded',
  write: 'guarded',
  acknowledgeAlarm: 'guarded',
} as const satisfies {
  readonly [Key in keyof ProcessVariable]-?: NonNullable<ProcessVariable[Key]> extends (...args: never[]) => unknown ? 'method' | 'guarded' : 'field';
};

type Guarded = { [Key in keyof typeof MEMBERS]: (typeof MEMBERS)[Key] extends 'guarded' ? Key : never }[keyof typeof MEMBERS];

// The passed-through members, installed on the prototype below: the interface tells the compiler
// what the loop there adds, which a class cannot declare without implementing.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging -- see above
interface GuardedPv extends Omit<ProcessVariable, Guarded> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface above
class GuardedPv implements Required<Pick<ProcessVariable, Guarded>> {
  constructor(
    readonly pv: ProcessVariable,
    private readonly failures: LogLimiter,
  ) {}

  /** Code that fails to say who may do what grants nothing. */
  accessRights(client: ClientIdentity): AccessRights {
    try {
      return this.pv.accessRights(client);
    } catch (error) {
      this.failed(error, client, 'access rights failed; no access granted');
      return NO_ACCESS;
    }
  }

  write(value: FieldValue, client: ClientIdentity, completion?: PutCompletion, processing?: PutProcessing): WriteResult | Promise<WriteResult> {
    const result = guardWrite(this.pv.name, () => this.pv.write(value, client, completion, processing));
    return result instanceof Promise ? result.then((settled) => this.logged(settled, client)) : this.logged(result, client);
  }

  acknowledgeAlarm(kind: 'transient' | 'severity', value: number, client: ClientIdentity): WriteResult {
    try {
      return this.logged(this.pv.acknowledgeAlarm(kind, value, client), client);
    } catch (error) {
      return this.logged(writeFailure(this.pv.name, error), client);
    }
  }

  private logged(result: WriteResult, client: ClientIdentity): WriteResult {
    if (!result.ok && result.error === 'failed') this.failed(result.cause, client, 'write handler failed');
    return result;
  }

  private failed(error: unknown, client: ClientIdentity, message: string): void {
    this.failures.error({ err: error, pv: this.pv.name, user: client.user, host: client.host, address: client.address }, message);
  }
}

// The passed-through methods take one argument at most (subscribe's listener): a fixed-arity
// call, without a rest array and apply() for every read a client makes.
type Method = (this: ProcessVariable, argument?: unknown) => unknown;

for (const [key, kind] of Object.entries(MEMBERS)) {
  const member = key as keyof ProcessVariable;
  if (kind === 'field') {
    Object.defineProperty(GuardedPv.prototype, member, {
      get(this: GuardedPv) {
        // A 'field' member: a value, never a method, so nothing here loses its `this`.
        // eslint-disable-next-line @typescript-eslint/unbound-method -- see above
        return this.pv[member];
      },
    });
  } else if (kind === 'method') {
    // An optional method the PV lacks answers undefined, as calling it through `?.()` would.
    Object.defineProperty(GuardedPv.prototype, member, {
      value(this: GuardedPv, argument?: unknown) {
        return (this.pv[member] as Method | undefined)?.call(this.pv, argument);
      },
    });
  }
}
