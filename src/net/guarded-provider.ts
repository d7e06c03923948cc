// A server calls user code on a client's behalf: a provider's find, a PV's access rights, write
// and alarm acknowledgement. Wrapped here, below both protocols' circuits, a throw or a rejection
// becomes an answer to that one client (not found, no access, a failed write) and a log line
// naming the PV and the client, rate-limited; every other client keeps being served.

import { guardWrite, writeFailure } from '../database/guard';
import { providerServes } from '../database/pv';
import type {
  AccessRights,
  AlarmState,
  ClientIdentity,
  DisplayMetadata,
  EpicsTimeStamp,
  FieldType,
  FieldValue,
  ProcessVariable,
  PvListener,
  PvProvider,
  WriteResult,
} from '../database/pv';
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

class GuardedPv implements ProcessVariable {
  readonly name: string;
  readonly type: FieldType;
  readonly maxElements: number;
  readonly className: string;

  constructor(
    private readonly pv: ProcessVariable,
    private readonly failures: LogLimiter,
  ) {
    this.name = pv.name;
    this.type = pv.type;
    this.maxElements = pv.maxElements;
    this.className = pv.className;
  }

  get isText(): boolean | undefined {
    return this.pv.isText;
  }
  get unsignedChar(): boolean | undefined {
    return this.pv.unsignedChar;
  }
  get logClientWrites(): boolean | undefined {
    return this.pv.logClientWrites;
  }
  value(): FieldValue {
    return this.pv.value();
  }
  alarm(): AlarmState {
    return this.pv.alarm();
  }
  timeStamp(): EpicsTimeStamp {
    return this.pv.timeStamp();
  }
  metadata(): DisplayMetadata {
    return this.pv.metadata();
  }
  description(): string {
    return this.pv.description?.() ?? '';
  }

  /** Code that fails to say who may do what grants nothing. */
  accessRights(client: ClientIdentity): AccessRights {
    try {
      return this.pv.accessRights(client);
    } catch (error) {
      this.failed(error, client, 'access rights failed; no access granted');
      return NO_ACCESS;
    }
  }

  write(value: FieldValue, client: ClientIdentity): WriteResult | Promise<WriteResult> {
    const result = guardWrite(this.name, () => this.pv.write(value, client));
    return result instanceof Promise ? result.then((settled) => this.logged(settled, client)) : this.logged(result, client);
  }

  acknowledgeAlarm(kind: 'transient' | 'severity', value: number, client: ClientIdentity): WriteResult {
    try {
      return this.logged(this.pv.acknowledgeAlarm(kind, value, client), client);
    } catch (error) {
      return this.logged(writeFailure(this.name, error), client);
    }
  }

  /** A monitor that cannot start stays silent, and the log says why. */
  subscribe(listener: PvListener): () => void {
    try {
      return this.pv.subscribe(listener);
    } catch (error) {
      this.failed(error, undefined, 'subscription failed; the monitor gets no updates');
      return () => undefined;
    }
  }

  private logged(result: WriteResult, client: ClientIdentity): WriteResult {
    if (!result.ok && result.error === 'failed') this.failed(result.cause, client, 'write handler failed');
    return result;
  }

  private failed(error: unknown, client: ClientIdentity | undefined, message: string): void {
    const who = client && { user: client.user, host: client.host, address: client.address };
    this.failures.error({ err: error, pv: this.name, ...who }, message);
  }
}
