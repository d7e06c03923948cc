// A put with completion (CA's WRITE_NOTIFY, a pvAccess put with block=true), as EPICS base's
// dbNotify.c tracks it: the put completes once every record that its processing reached (the
// written record, the passive records its FLNK and PP links processed, and theirs) has finished,
// asynchronous ones included. A record belongs to one such put at a time; another put with
// completion to it waits for its turn, and a put to a busy (PACT) record waits for it to finish
// before it writes.

import { failureMessage } from './guard';
import type { DbRecord } from './record';

/** Why a put with completion whose client went away before it was made did nothing. */
export const CANCELLED = 'put cancelled before it was made';

/** notifyState in dbNotify.c, less the states that only its threads need. */
type NotifyState = 'idle' | 'waitForRestart' | 'restartRequested' | 'restartInProgress' | 'processInProgress' | 'doneRequested' | 'done' | 'cancelled';

/** The puts with completion waiting for a record that another one holds (processNotifyRecord's restartList). */
const restartLists = new WeakMap<DbRecord, ProcessNotify[]>();

export interface NotifyRequest {
  /** dbPut of the client's value, without processing: why it was refused, if it was. */
  put(): string | undefined;
  /** Whether a stored put processes the record (PROC, or a process-passive field of a passive record). */
  processes(): boolean;
  /** The end of the put: the reason it was refused or cancelled, or undefined when it completed. */
  done(refusal: string | undefined): void;
  /** Runs `work` as the client whose put this is, so that TPRO's lines name it when the put restarts from a callback. */
  asClient(work: () => void): void;
}

export class ProcessNotify {
  private state: NotifyState = 'idle';
  /** Records this put processed that have not finished yet (notifyPvt's waitList). */
  private readonly waiting = new Set<DbRecord>();
  private refusal: string | undefined;
  private stored = false;

  constructor(
    readonly record: DbRecord,
    private readonly request: NotifyRequest,
  ) {}

  /** dbProcessNotify. */
  start(): void {
    if (this.state !== 'idle') throw new Error(`a put with completion to ${this.record.name} was started twice`);
    this.putAndProcess(true);
  }

  /**
   * dbNotifyCancel (the client's channel or circuit went): the put settles at once, for a client
   * that will not be answered, and the records it held pass to the next put waiting for them.
   * Processing already under way goes on.
   */
  cancel(): void {
    switch (this.state) {
      case 'waitForRestart': {
        const list = restartLists.get(this.record) ?? [];
        const at = list.indexOf(this);
        if (at >= 0) list.splice(at, 1);
        break;
      }
      case 'restartInProgress':
      case 'processInProgress':
        for (const record of this.waiting) ProcessNotify.restartCheck(record);
        this.waiting.clear();
        if (this.record.notify === this) ProcessNotify.restartCheck(this.record);
        break;
      case 'restartRequested':
        ProcessNotify.restartCheck(this.record);
        break;
      default:
        if (this.state !== 'doneRequested') return;
    }
    this.state = 'cancelled';
    this.request.done(this.stored ? undefined : CANCELLED);
  }

  /**
   * processNotifyCommon: wait for the record, or write, process and wait for the processing. Only
   * a put made when it came (`first`) marks the pass as a put's (PUTF): one that waited for the
   * record does not, so a busy record its links reach is not marked to process again (RPRO).
   */
  private putAndProcess(first: boolean): void {
    const record = this.record;
    const owner = record.notify;
    if (owner !== undefined && owner !== this) {
      this.state = 'waitForRestart';
      let list = restartLists.get(record);
      if (!list) restartLists.set(record, (list = []));
      list.push(this);
      return;
    }
    if (record.isActive) {
      record.notify = this;
      this.waiting.add(record);
      this.state = 'restartInProgress';
      return;
    }
    try {
      this.refusal = this.request.put();
    } catch (error) {
      // Record support's own bug: the put is answered with it and lets the record go, rather than hold it for ever.
      if (record.notify === this) ProcessNotify.restartCheck(record);
      this.refusal = failureMessage(record.name, 'write', error);
      this.finish();
      throw error;
    }
    this.stored = this.refusal === undefined;
    if (this.stored && this.request.processes()) {
      record.notify = this;
      this.waiting.add(record);
      this.state = 'processInProgress';
      if (first) record.assign('PUTF', 1);
      record.process();
      return;
    }
    if (record.notify === this) ProcessNotify.restartCheck(record);
    this.finish();
  }

  /** notifyCallback: the deferred half of a restart or of the completion. */
  private callback(): void {
    if (this.state === 'restartRequested') this.request.asClient(() => this.putAndProcess(false));
    else if (this.state === 'doneRequested') this.finish();
  }

  private finish(): void {
    this.state = 'done';
    this.request.done(this.refusal);
  }

  /** dbNotifyAdd: `to` is processed by a link of `from`, a record this put holds. */
  static add(from: DbRecord, to: DbRecord): void {
    const notify = from.notify;
    if (notify === undefined || to.isActive) return;
    if (to.notify === undefined && notify.state === 'processInProgress' && to !== notify.record) {
      to.notify = notify;
      notify.waiting.add(to);
    }
  }

  /** dbNotifyCompletion: `record` finished processing (recGblFwdLink, or dbProcess of a disabled record). */
  static completion(record: DbRecord): void {
    const notify = record.notify;
    if (notify === undefined || (notify.state !== 'restartInProgress' && notify.state !== 'processInProgress')) return;
    if (!notify.waiting.delete(record)) return;
    if (notify.waiting.size > 0) {
      ProcessNotify.restartCheck(record);
    } else if (notify.state === 'processInProgress') {
      notify.state = 'doneRequested';
      ProcessNotify.restartCheck(record);
      record.requestCallback(() => notify.callback());
    } else {
      notify.state = 'restartRequested';
      record.requestCallback(() => notify.callback());
    }
  }

  /** restartCheck: the record passes to the first put waiting for it, which restarts soon; or to none. */
  private static restartCheck(record: DbRecord): void {
    const next = restartLists.get(record)?.shift();
    record.notify = next;
    if (next === undefined) return;
    next.state = 'restartRequested';
    record.requestCallback(() => next.callback());
  }
}
