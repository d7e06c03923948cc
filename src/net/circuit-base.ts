import type { AccessRights, ClientIdentity, FieldValue, ProcessVariable, PutCompletion, PvProvider, WriteResult } from '../database/pv';
import type { Logger } from '../logger';
import type { ServerLimits } from './limits';
import { Liveness } from './liveness';
import { LogLimiter } from './log-limiter';
import type { MessageSource } from './framed-reader';
import { ProtocolError } from './protocol-error';
import { SendQueue, type BatchWriter, type QueuedUpdate } from './send-queue';
import type { CircuitTransport } from './socket-transport';
import { ChannelTable } from './channel-table';
import { loggedValue, logsWrites } from './write-audit';
import { failureMessage, writeFailure } from '../database/guard';

/** What a circuit holds on a channel's behalf (a CA subscription, a pvAccess operation); stopped when it goes. */
export interface ChannelOperation {
  readonly id: number;
  readonly channel: Channel<ChannelOperation>;
  stop(): void;
}

export interface Channel<Operation extends ChannelOperation> {
  readonly clientId: number;
  readonly serverId: number;
  readonly pv: ProcessVariable;
  rights: AccessRights;
  /** Shared and empty until the channel's first operation: most channels (a caget's, an archiver's get) never have one. */
  operations: ReadonlySet<Operation>;
}

const NO_OPERATIONS: ReadonlySet<never> = new Set<never>();

export interface CircuitOptions {
  provider: PvProvider;
  limits: ServerLimits;
  logger: Logger;
  /** Called once, when the circuit has closed for whatever reason. */
  onClose: () => void;
}

type LimitName = 'maxChannelsPerCircuit' | 'maxSubscriptionsPerCircuit';

/**
 * What a client's circuit is, whatever its protocol (pvxs's ConnBase plays this part): requests
 * served while the socket takes the replies, a protocol error closing this circuit only, the
 * channel and operation tables and their limits, liveness probes, client writes (guarded, logged,
 * held to a number in flight), shutdown and release. A protocol adds its messages.
 */
export abstract class CircuitBase<Message, Writer extends BatchWriter, Operation extends ChannelOperation, Update extends QueuedUpdate> {
  readonly identity: ClientIdentity;
  logger: Logger;
  protected readonly channels = new ChannelTable<Channel<Operation>>();
  protected readonly operations = new Map<number, Operation>();
  protected readonly output: SendQueue<Update>;
  protected readonly limits: ServerLimits;
  private requestsInFlight = 0;
  /** Writes with completion still waiting for their processing, and the channel each came on. */
  private readonly completions = new Map<AbortController, Channel<Operation>>();
  private readonly liveness: Liveness;
  private readonly limitWarnings: LogLimiter;
  private readonly readFailures: LogLimiter;

  constructor(
    protected readonly transport: CircuitTransport,
    protected readonly options: CircuitOptions,
    private readonly source: MessageSource<Message>,
    protected readonly writer: Writer,
  ) {
    this.identity = { user: '', host: '', address: transport.remoteAddress };
    this.limits = options.limits;
    this.logger = options.logger.child({ client: `${transport.remoteAddress}:${transport.remotePort}` });
    this.liveness = new Liveness(Date.now(), options.limits.inactivity * 1000, options.limits.echoTimeout * 1000);
    this.limitWarnings = new LogLimiter(this.logger);
    this.readFailures = new LogLimiter(this.logger);
    this.output = new SendQueue(transport, writer, (update) => this.writeUpdate(update), options.limits.maxQueuedBytes);
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get subscriptionCount(): number {
    return this.operations.size;
  }

  /** Serves one request. */
  protected abstract dispatch(message: Message): void;
  /** Encodes an update's newest value. */
  protected abstract writeUpdate(update: Update): void;
  /** Asks a silent client to show it is alive. */
  protected abstract writeEchoProbe(): void;
  /** Tells the client, at server shutdown, that a channel is gone. */
  protected abstract writeChannelGone(channel: Channel<Operation>): void;
  /** Access rights may have changed: the circuit re-checks its channels'. */
  abstract refreshAccessRights(): void;

  /** Bytes from the socket. A broken message closes this circuit only. */
  receive(chunk: Buffer): void {
    if (this.output.closed) return;
    this.liveness.heard = true;
    this.source.push(chunk);
    this.serveRequests();
  }

  /**
   * Serves the requests received so far while the socket takes the replies and handlers keep up;
   * the rest wait in the source. A few bytes of reads of a large array ask for megabytes of
   * replies: without this, one chunk of them would have all its replies built in memory at once.
   */
  private serveRequests(): void {
    try {
      while (!this.output.socketFull && this.requestsInFlight < this.limits.maxRequestsInFlight) {
        const message = this.source.next();
        if (message === undefined) break;
        this.dispatch(message);
        if (this.output.closed) return;
        if (this.output.batchFull) this.output.flush();
      }
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.logger.warn({ user: this.identity.user, host: this.identity.host, reason: error.message }, 'protocol error; closing circuit');
      } else {
        // Reads and writes answer their own failures; anything else that throws here is our bug:
        // this circuit goes, with the reason logged; the process and every other client stay.
        this.logger.error({ err: error, user: this.identity.user, host: this.identity.host }, 'serving a request failed; closing circuit');
      }
      this.close();
      return;
    }
    // Handlers are behind: nothing more is read from this client until one answers.
    if (this.requestsInFlight >= this.limits.maxRequestsInFlight) this.transport.pause();
    this.output.flush();
  }

  /** The socket can take more: resume the requests and updates that waited. */
  drained(): void {
    if (this.output.drained()) this.serveRequests();
  }

  /** The socket closed (the client went away, or we closed it). */
  transportClosed(): void {
    this.release();
  }

  /** Called periodically by the server: probes a silent client, and closes the circuit of one that has gone. */
  checkLiveness(now: number): void {
    if (this.output.closed) return;
    const verdict = this.liveness.check(now, this.output.fullSince);
    if (verdict === 'probe') {
      this.writeEchoProbe();
      this.output.flush();
    } else if (verdict === 'dead') {
      this.logger.warn({ user: this.identity.user, host: this.identity.host }, 'client silent and not reading after an echo; closing circuit');
      this.close();
    }
  }

  /** Server shutdown: tell the client each channel is gone, then close. */
  shutdown(): void {
    if (this.output.closed) return;
    for (const channel of this.channels.values()) this.writeChannelGone(channel);
    this.output.end();
    this.release();
  }

  private close(): void {
    this.transport.destroy();
    this.release();
  }

  private release(): void {
    if (this.output.closed) return;
    this.output.close();
    for (const controller of [...this.completions.keys()]) controller.abort();
    for (const operation of this.operations.values()) operation.stop();
    this.operations.clear();
    this.channels.clear();
    this.options.onClose();
  }

  /** False, with a warning, when the circuit holds as many as a limit allows; the protocol answers the client. */
  protected mayAdd(limit: LimitName): boolean {
    const held = limit === 'maxChannelsPerCircuit' ? this.channels.size : this.operations.size;
    const max = this.limits[limit];
    if (held < max) return true;
    this.limitWarnings.warn({ user: this.identity.user, host: this.identity.host, limit, max }, 'client reached a limit; request refused');
    return false;
  }

  /**
   * A PV's own code threw while it was read for this client (its value, metadata or subscribe):
   * logged with the PV and the client, rate-limited; returns what the protocol tells the client.
   */
  protected readFailed(pv: ProcessVariable, error: unknown, operation: 'read' | 'subscription' = 'read'): string {
    this.readFailures.error({ err: error, pv: pv.name, user: this.identity.user, host: this.identity.host }, `${operation} failed`);
    return failureMessage(pv.name, operation, error);
  }

  protected addChannel(clientId: number, pv: ProcessVariable): Channel<Operation> {
    const channel: Channel<Operation> = { clientId, serverId: this.channels.freeId(), pv, rights: pv.accessRights(this.identity), operations: NO_OPERATIONS };
    this.channels.add(channel);
    return channel;
  }

  protected removeChannel(channel: Channel<Operation>): void {
    // Most circuits never have a write waiting: a channel's clear then costs no copy of the table.
    if (this.completions.size > 0) for (const [controller, on] of [...this.completions]) if (on === channel) controller.abort();
    // The shared empty set would still cost an iterator a clear.
    if (channel.operations.size > 0) for (const operation of channel.operations) this.removeOperation(operation);
    this.channels.delete(channel);
  }

  protected addOperation(operation: Operation): void {
    const channel = operation.channel as Channel<Operation>;
    const operations = channel.operations === NO_OPERATIONS ? new Set<Operation>() : (channel.operations as Set<Operation>);
    channel.operations = operations.add(operation);
    this.operations.set(operation.id, operation);
  }

  protected removeOperation(operation: Operation): void {
    operation.stop();
    (operation.channel.operations as Set<Operation>).delete(operation);
    this.operations.delete(operation.id);
  }

  /**
   * A client's write: performed with a guard (a handler that throws or rejects gives the client an
   * error, never the process), logged at INFO with who wrote what unless the PV opts out, and
   * answered through `answer`, at once or when the handler settles. `value` is what the log shows.
   * With `completionOn`, a write with completion on that channel (CA's WRITE_NOTIFY, a pvAccess
   * put with block=true): the answer waits for the processing it started. Clearing the channel or closing the
   * circuit cancels the wait (as rsrv's rsrvFreePutNotify calls dbNotifyCancel), and the client
   * is not answered. The client's timeout is its own business: the server sets none.
   */
  protected performWrite(
    pv: ProcessVariable,
    value: FieldValue | string,
    write: (completion?: PutCompletion) => WriteResult | Promise<WriteResult>,
    answer: (outcome: WriteResult) => void,
    completionOn?: Channel<Operation>,
  ): void {
    let old: unknown;
    const controller = completionOn && new AbortController();
    const settle = (outcome: WriteResult) => {
      if (old !== undefined && outcome.ok) {
        this.logger.info(
          { user: this.identity.user, host: this.identity.host, pv: pv.name, old, new: typeof value === 'string' ? value : loggedValue(value) },
          'client write',
        );
      }
      if (controller) {
        this.completions.delete(controller);
        if (controller.signal.aborted) return;
      }
      answer(outcome);
    };
    let result: WriteResult | Promise<WriteResult>;
    try {
      // The old value for the audit line is read under the same guard: a PV that cannot say it fails the write.
      if (logsWrites(pv) && this.logger.isLevelEnabled('info')) old = loggedValue(pv.value());
      if (controller) this.completions.set(controller, completionOn);
      result = write(controller && { signal: controller.signal });
    } catch (error) {
      return settle(this.handlerFailed(pv, error));
    }
    if (!(result instanceof Promise)) return settle(result);
    this.requestsInFlight++;
    result.then(settle, (error: unknown) => settle(this.handlerFailed(pv, error))).finally(() => this.requestSettled());
  }

  private handlerFailed(pv: ProcessVariable, error: unknown): WriteResult {
    this.logger.error({ err: error, pv: pv.name, user: this.identity.user, host: this.identity.host }, 'write handler failed');
    return writeFailure(pv.name, error);
  }

  private requestSettled(): void {
    const wasHeld = this.requestsInFlight >= this.limits.maxRequestsInFlight;
    this.requestsInFlight--;
    if (this.output.closed) return;
    if (wasHeld && !this.output.socketFull) {
      this.transport.resume();
      this.serveRequests();
    } else {
      this.output.flush();
    }
  }
}
