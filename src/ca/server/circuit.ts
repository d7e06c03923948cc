import { AccessBits, Command, Eca, SearchReply } from '../protocol/constants';
import { dbrPayloadSize, DbrType, decodeDbrForWrite, encodeDbr, isReadableDbrType, isWritableDbrType } from '../protocol/dbr';
import { ProtocolError } from '../protocol/errors';
import type { MessageHeader } from '../protocol/header';
import { CircuitReader } from '../protocol/reader';
import {
  writeAccessRights,
  writeClearChannel,
  writeCreateChannel,
  writeCreateChannelFail,
  writeEcho,
  writeError,
  writeEventCancelled,
  writeNotFound,
  writeReadSync,
  writeServerDisconnect,
  writeTcpSearchReply,
  writeVersion,
  writeWriteNotify,
} from '../protocol/replies';
import type {
  ClearChannelRequest,
  ClientRequest,
  CreateChannelRequest,
  EventAddRequest,
  EventCancelRequest,
  ReadRequest,
  SearchRequest,
  WriteRequest,
} from '../protocol/requests';
import { MessageWriter } from '../protocol/writer';
import type { AccessRights, ClientIdentity, ProcessVariable, PvProvider, WriteResult } from '../../database/pv';
import type { Logger } from '../../logger';
import type { CaLimits } from './limits';
import { Liveness } from './liveness';
import { LogLimiter } from '../../net/log-limiter';
import { SendQueue } from '../../net/send-queue';
import type { CircuitTransport } from '../../net/socket-transport';

export interface CircuitOptions {
  provider: PvProvider;
  /** The TCP port advertised in replies to searches made over this circuit. */
  tcpPort: number;
  limits: CaLimits;
  logger: Logger;
  /** Called once, when the circuit has closed for whatever reason. */
  onClose: (circuit: Circuit) => void;
}

interface Channel {
  readonly clientId: number;
  readonly serverId: number;
  readonly pv: ProcessVariable;
  rights: AccessRights;
  readonly subscriptions: Set<Subscription>;
}

/** A monitor. `pending` marks it queued for the next flush: the queue holds each at most once. */
interface Subscription {
  readonly id: number;
  readonly channel: Channel;
  readonly dataType: number;
  readonly dataCount: number;
  readonly mask: number;
  pending: boolean;
  stop: () => void;
}

const rightsBits = (rights: AccessRights): number =>
  (rights.read ? AccessBits.READ : 0) | (rights.write ? AccessBits.WRITE : 0);

/**
 * One client's TCP virtual circuit: its channels and subscriptions. Monitor updates coalesce
 * in the send queue when the client falls behind: a subscription then sends only its newest value.
 */
export class Circuit {
  readonly identity: ClientIdentity;
  readonly logger: Logger;
  private readonly reader: CircuitReader;
  private readonly writer = new MessageWriter();
  private readonly channels = new Map<number, Channel>();
  private readonly subscriptions = new Map<number, Subscription>();
  private readonly output: SendQueue<Subscription>;
  private nextServerId = 1;
  private clientMinorVersion = 0;
  private readonly liveness: Liveness;
  private readonly limitWarnings: LogLimiter;

  constructor(
    private readonly transport: CircuitTransport,
    private readonly options: CircuitOptions,
  ) {
    this.identity = { user: '', host: '', address: transport.remoteAddress };
    this.reader = new CircuitReader(options.limits.maxPayloadSize);
    this.logger = options.logger.child({ client: `${transport.remoteAddress}:${transport.remotePort}` });
    this.liveness = new Liveness(Date.now(), options.limits.inactivity * 1000, options.limits.echoTimeout * 1000);
    this.limitWarnings = new LogLimiter(this.logger);
    this.output = new SendQueue(transport, this.writer, (subscription) => this.writeUpdate(subscription));
    writeVersion(this.writer);
    this.output.flush();
  }

  get channelCount(): number {
    return this.channels.size;
  }
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Bytes from the socket. A broken message closes this circuit only. */
  receive(chunk: Buffer): void {
    if (this.output.closed) return;
    this.liveness.heard = true;
    this.reader.push(chunk);
    this.serveRequests();
  }

  /**
   * Serves the requests received so far while the socket takes the replies; the rest wait in the
   * reader for `drained()`. A few bytes of READ_NOTIFY for a large array ask for megabytes of
   * replies: without this, one chunk of them would have all its replies built in memory at once.
   */
  private serveRequests(): void {
    try {
      while (!this.output.socketFull) {
        const request = this.reader.next();
        if (!request) break;
        this.dispatch(request);
        if (this.output.closed) return;
        if (this.output.batchFull) this.output.flush();
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.logger.warn({ user: this.identity.user, host: this.identity.host, reason: error.message }, 'protocol error; closing circuit');
      this.transport.destroy();
      this.release();
      return;
    }
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

  /** Called periodically by the server: probes a silent client with ECHO, and closes the circuit of one that has gone. */
  checkLiveness(now: number): void {
    if (this.output.closed) return;
    const verdict = this.liveness.check(now, this.output.fullSince);
    if (verdict === 'probe') {
      this.writer.begin(Command.ECHO, 0, 0, 0, 0, 0);
      this.output.flush();
    } else if (verdict === 'dead') {
      this.logger.warn({ user: this.identity.user, host: this.identity.host }, 'client silent and not reading after ECHO; closing circuit');
      this.transport.destroy();
      this.release();
    }
  }

  /** Server shutdown: tell the client each channel is gone, then close. */
  shutdown(): void {
    if (this.output.closed) return;
    for (const channel of this.channels.values()) writeServerDisconnect(this.writer, channel.clientId);
    this.output.end();
    this.release();
  }

  private release(): void {
    if (this.output.closed) return;
    this.output.close();
    for (const subscription of this.subscriptions.values()) subscription.stop();
    this.subscriptions.clear();
    this.channels.clear();
    this.options.onClose(this);
  }

  private dispatch(request: ClientRequest): void {
    switch (request.command) {
      case Command.VERSION:
        this.clientMinorVersion = request.minorVersion;
        return;
      case Command.SEARCH:
        return this.search(request);
      case Command.CREATE_CHAN:
        return this.createChannel(request);
      case Command.CLEAR_CHANNEL:
        return this.clearChannel(request);
      case Command.READ:
      case Command.READ_NOTIFY:
        return this.read(request);
      case Command.WRITE:
      case Command.WRITE_NOTIFY:
        return this.write(request);
      case Command.EVENT_ADD:
        return this.addSubscription(request);
      case Command.EVENT_CANCEL:
        return this.cancelSubscription(request);
      case Command.EVENTS_OFF:
        this.output.holdUpdates = true;
        return;
      case Command.EVENTS_ON:
        this.output.holdUpdates = false;
        this.output.scheduleFlush();
        return;
      case Command.READ_SYNC:
        return writeReadSync(this.writer, request.header);
      case Command.ECHO:
        return writeEcho(this.writer, request.header, request.payload);
      case Command.CLIENT_NAME:
        this.identity.user = request.name;
        return this.updateAccessRights();
      case Command.HOST_NAME:
        this.identity.host = request.name;
        return this.updateAccessRights();
    }
  }

  private search(request: SearchRequest): void {
    if (this.options.provider.find(request.name)) writeTcpSearchReply(this.writer, this.options.tcpPort, request.searchId);
    else if (request.replyFlag === SearchReply.DO_REPLY) writeNotFound(this.writer, request.header);
  }

  private createChannel(request: CreateChannelRequest): void {
    this.clientMinorVersion = request.minorVersion;
    const pv = this.options.provider.find(request.name);
    if (!pv) {
      writeCreateChannelFail(this.writer, request.clientId);
      return;
    }
    if (this.channels.size >= this.options.limits.maxChannelsPerCircuit) {
      this.refuse(request.header, request.clientId, 'maxChannelsPerCircuit');
      writeCreateChannelFail(this.writer, request.clientId);
      return;
    }
    const channel: Channel = {
      clientId: request.clientId,
      serverId: this.nextServerId++,
      pv,
      rights: pv.accessRights(this.identity),
      subscriptions: new Set(),
    };
    this.channels.set(channel.serverId, channel);
    writeAccessRights(this.writer, channel.clientId, rightsBits(channel.rights));
    // Clients before 4.9 cannot take counts that need the extended header.
    const count = this.clientMinorVersion < 9 ? Math.min(pv.maxElements, 0xfffe) : pv.maxElements;
    writeCreateChannel(this.writer, pv.type, count, channel.clientId, channel.serverId);
  }

  /** A request past one of the circuit's limits gets ECA_ALLOCMEM, as rsrv answers when it runs out of resources. */
  private refuse(header: MessageHeader, clientId: number, limit: 'maxChannelsPerCircuit' | 'maxSubscriptionsPerCircuit'): void {
    const max = this.options.limits[limit];
    writeError(this.writer, header, clientId, Eca.ALLOCMEM, `${limit} (${max}) reached`);
    this.limitWarnings.warn({ user: this.identity.user, host: this.identity.host, limit, max }, 'client reached a limit; request refused');
  }

  private clearChannel(request: ClearChannelRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    for (const subscription of channel.subscriptions) this.removeSubscription(subscription);
    this.channels.delete(channel.serverId);
    writeClearChannel(this.writer, channel.serverId, channel.clientId);
  }

  /** The channel a request names, or an ECA_BADCHID error to the client. */
  private channelFor(header: MessageHeader): Channel | undefined {
    const channel = this.channels.get(header.parameter1);
    if (!channel) writeError(this.writer, header, 0xffffffff, Eca.BADCHID, `no channel with server id ${header.parameter1}`);
    return channel;
  }

  /** The count a reply carries: count 0 asks for the current length; more than the PV holds is refused. */
  private replyCount(channel: Channel, header: MessageHeader, dataCount: number): number | undefined {
    if (dataCount === 0) return channel.pv.value().length;
    if (dataCount <= channel.pv.maxElements) return dataCount;
    writeError(this.writer, header, channel.clientId, Eca.BADCOUNT, `${channel.pv.name} has ${channel.pv.maxElements} elements, not ${dataCount}`);
    return undefined;
  }

  private read(request: ReadRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    if (!isReadableDbrType(request.dataType)) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADTYPE, `DBR type ${request.dataType} cannot be read`);
      return;
    }
    const count = this.replyCount(channel, request.header, request.dataCount);
    if (count === undefined) return;
    const notify = request.command === Command.READ_NOTIFY;
    if (!channel.rights.read) {
      if (notify) this.writeDataDenied(Command.READ_NOTIFY, request.dataType, count, request.ioid);
      else writeError(this.writer, request.header, channel.clientId, Eca.NORDACCESS, `${channel.pv.name}: no read access`);
      return;
    }
    // READ (before READ_NOTIFY existed) carried the client's channel id where READ_NOTIFY carries the status.
    this.writeData(request.command, request.dataType, count, notify ? Eca.NORMAL : channel.clientId, request.ioid, channel.pv);
  }

  /** An empty array goes out as rsrv sends it: count 0, with one zeroed element of payload. */
  private writeData(command: number, dataType: number, count: number, parameter1: number, parameter2: number, pv: ProcessVariable): void {
    const elements = Math.max(count, 1);
    const offset = this.writer.begin(command, dbrPayloadSize(dataType, elements), dataType, count, parameter1, parameter2);
    encodeDbr(this.writer.target, offset, dataType, elements, pv);
  }

  /** What rsrv sends where read access is denied: the reply, zeroed, with ECA_NORDACCESS as its status. */
  private writeDataDenied(command: number, dataType: number, count: number, parameter2: number): void {
    const size = dbrPayloadSize(dataType, Math.max(count, 1));
    const offset = this.writer.begin(command, size, dataType, count, Eca.NORDACCESS, parameter2);
    this.writer.target.fill(0, offset, offset + size);
  }

  private write(request: WriteRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    const fail = (status: number, message: string) => {
      if (request.command === Command.WRITE_NOTIFY) writeWriteNotify(this.writer, request.header, status);
      else writeError(this.writer, request.header, channel.clientId, status, message);
    };
    const { pv } = channel;
    if (!isWritableDbrType(request.dataType)) return fail(Eca.BADTYPE, `DBR type ${request.dataType} cannot be written`);
    if (!channel.rights.write) return fail(Eca.NOWTACCESS, `${pv.name}: no write access`);
    let result: WriteResult | Promise<WriteResult>;
    if (request.dataType === DbrType.PUT_ACKT || request.dataType === DbrType.PUT_ACKS) {
      if (request.payload.length < 2) return fail(Eca.PUTFAIL, 'alarm acknowledgement without a value');
      const kind = request.dataType === DbrType.PUT_ACKT ? 'transient' : 'severity';
      result = pv.acknowledgeAlarm(kind, request.payload.readUInt16BE(0), this.identity);
    } else {
      const count = Math.min(request.dataCount, pv.maxElements);
      const decoded = decodeDbrForWrite(request.payload, request.dataType, count, pv.type, pv.metadata().enumStrings);
      if (!decoded.ok) return fail(decoded.error === 'badType' ? Eca.BADTYPE : Eca.PUTFAIL, `${pv.name}: ${decoded.message}`);
      result = pv.write(decoded.value, this.identity);
    }
    const answer = (outcome: WriteResult) => {
      if (outcome.ok) {
        if (request.command === Command.WRITE_NOTIFY) writeWriteNotify(this.writer, request.header, Eca.NORMAL);
      } else {
        fail(outcome.error === 'readOnly' ? Eca.NOWTACCESS : Eca.PUTFAIL, outcome.message);
      }
    };
    if (!(result instanceof Promise)) return answer(result);
    result.then(answer, (error: unknown) => {
      this.logger.error({ err: error, pv: pv.name }, 'write handler failed');
      fail(Eca.PUTFAIL, `${pv.name}: write failed`);
    }).finally(() => this.output.flush());
  }

  private addSubscription(request: EventAddRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    if (!isReadableDbrType(request.dataType)) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADTYPE, `DBR type ${request.dataType} cannot be monitored`);
      return;
    }
    if (request.dataCount > channel.pv.maxElements) {
      this.replyCount(channel, request.header, request.dataCount);
      return;
    }
    if (this.subscriptions.has(request.subscriptionId)) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADMONID, `subscription ${request.subscriptionId} exists`);
      return;
    }
    if (this.subscriptions.size >= this.options.limits.maxSubscriptionsPerCircuit) {
      this.refuse(request.header, channel.clientId, 'maxSubscriptionsPerCircuit');
      return;
    }
    const subscription: Subscription = {
      id: request.subscriptionId,
      channel,
      dataType: request.dataType,
      dataCount: request.dataCount,
      mask: request.mask,
      pending: false,
      stop: () => undefined,
    };
    // Without read access the subscription stays, silent, as rsrv disables the event until access returns.
    subscription.stop = channel.pv.subscribe((mask) => {
      if ((mask & subscription.mask) !== 0 && channel.rights.read) this.output.deliver(subscription);
    });
    channel.subscriptions.add(subscription);
    this.subscriptions.set(subscription.id, subscription);
    // Like rsrv, the current value goes out at once, whatever the mask.
    this.output.deliver(subscription);
  }

  private cancelSubscription(request: EventCancelRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    const subscription = this.subscriptions.get(request.subscriptionId);
    if (!subscription || subscription.channel !== channel) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADMONID, `no subscription ${request.subscriptionId}`);
      return;
    }
    this.removeSubscription(subscription);
    writeEventCancelled(this.writer, request.header);
  }

  private removeSubscription(subscription: Subscription): void {
    subscription.stop();
    subscription.pending = false;
    subscription.channel.subscriptions.delete(subscription);
    this.subscriptions.delete(subscription.id);
  }

  private writeUpdate(subscription: Subscription): void {
    const pv = subscription.channel.pv;
    if (!subscription.channel.rights.read) {
      const deniedCount = subscription.dataCount === 0 ? pv.maxElements : subscription.dataCount;
      return this.writeDataDenied(Command.EVENT_ADD, subscription.dataType, deniedCount, subscription.id);
    }
    const count = subscription.dataCount === 0 ? pv.value().length : subscription.dataCount;
    this.writeData(Command.EVENT_ADD, subscription.dataType, count, Eca.NORMAL, subscription.id, pv);
  }

  /** The PVs' access rights may have changed (new access security rules): tell the client where they did. */
  refreshAccessRights(): void {
    if (this.output.closed) return;
    this.updateAccessRights();
    this.output.scheduleFlush();
  }

  private updateAccessRights(): void {
    for (const channel of this.channels.values()) {
      const rights = channel.pv.accessRights(this.identity);
      if (rights.read === channel.rights.read && rights.write === channel.rights.write) continue;
      const readChanged = rights.read !== channel.rights.read;
      channel.rights = rights;
      writeAccessRights(this.writer, channel.clientId, rightsBits(rights));
      // As rsrv: a monitor gets one update when read access goes (zeroed, ECA_NORDACCESS) and the current value when it returns.
      if (readChanged) for (const subscription of channel.subscriptions) this.output.deliver(subscription);
    }
  }
}
