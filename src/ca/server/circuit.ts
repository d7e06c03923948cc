import { AccessBits, Command, Eca, SearchReply } from '../protocol/constants';
import { dbrPayloadSize, DbrType, decodeDbrForWrite, encodeDbr, isReadableDbrType, isWritableDbrType } from '../protocol/dbr';
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
import { providerServes, type AccessRights, type ProcessVariable, type PvProvider, type WriteResult } from '../../database/pv';
import { CircuitBase, type Channel as BaseChannel, type CircuitOptions as BaseCircuitOptions } from '../../net/circuit-base';
import type { CircuitTransport } from '../../net/socket-transport';

export interface CircuitOptions extends BaseCircuitOptions {
  /** The TCP port advertised in replies to searches made over this circuit. */
  tcpPort: number;
}

type Channel = BaseChannel<Subscription>;

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

const rightsBits = (rights: AccessRights): number => (rights.read ? AccessBits.READ : 0) | (rights.write ? AccessBits.WRITE : 0);

/**
 * One client's TCP virtual circuit: its channels and subscriptions. Monitor updates coalesce
 * in the send queue when the client falls behind: a subscription then sends only its newest value.
 */
export class Circuit extends CircuitBase<ClientRequest, MessageWriter, Subscription, Subscription> {
  private clientMinorVersion = 0;

  constructor(
    transport: CircuitTransport,
    private readonly caOptions: CircuitOptions,
  ) {
    super(transport, caOptions, new CircuitReader(caOptions.limits.maxPayloadSize), new MessageWriter());
    writeVersion(this.writer);
    this.output.flush();
  }

  private get provider(): PvProvider {
    return this.caOptions.provider;
  }

  protected writeEchoProbe(): void {
    this.writer.begin(Command.ECHO, 0, 0, 0, 0, 0);
  }

  protected writeChannelGone(channel: Channel): void {
    writeServerDisconnect(this.writer, channel.clientId);
  }

  protected dispatch(request: ClientRequest): void {
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
    if (providerServes(this.provider, request.name)) writeTcpSearchReply(this.writer, this.caOptions.tcpPort, request.searchId);
    else if (request.replyFlag === SearchReply.DO_REPLY) writeNotFound(this.writer, request.header);
  }

  private createChannel(request: CreateChannelRequest): void {
    this.clientMinorVersion = request.minorVersion;
    const pv = this.provider.find(request.name);
    if (!pv) {
      writeCreateChannelFail(this.writer, request.clientId);
      return;
    }
    if (!this.mayAdd('maxChannelsPerCircuit')) {
      this.refuse(request.header, request.clientId, 'maxChannelsPerCircuit');
      writeCreateChannelFail(this.writer, request.clientId);
      return;
    }
    const channel = this.addChannel(request.clientId, pv);
    writeAccessRights(this.writer, channel.clientId, rightsBits(channel.rights));
    // Clients before 4.9 cannot take counts that need the extended header.
    const count = this.clientMinorVersion < 9 ? Math.min(pv.maxElements, 0xfffe) : pv.maxElements;
    writeCreateChannel(this.writer, pv.type, count, channel.clientId, channel.serverId);
  }

  /** A request past one of the circuit's limits gets ECA_ALLOCMEM, as rsrv answers when it runs out of resources. */
  private refuse(header: MessageHeader, clientId: number, limit: 'maxChannelsPerCircuit' | 'maxSubscriptionsPerCircuit'): void {
    writeError(this.writer, header, clientId, Eca.ALLOCMEM, `${limit} (${this.limits[limit]}) reached`);
  }

  private clearChannel(request: ClearChannelRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    this.removeChannel(channel);
    writeClearChannel(this.writer, channel.serverId, channel.clientId);
  }

  /** The channel a request names, or an ECA_BADCHID error to the client. */
  private channelFor(header: MessageHeader): Channel | undefined {
    const channel = this.channels.get(header.parameter1);
    if (!channel) writeError(this.writer, header, 0xffffffff, Eca.BADCHID, `no channel with server id ${header.parameter1}`);
    return channel;
  }

  /** A count above what the PV holds is refused with ECA_BADCOUNT; 0 asks for the current length. */
  private countAllowed(channel: Channel, header: MessageHeader, dataCount: number): boolean {
    if (dataCount <= channel.pv.maxElements) return true;
    writeError(this.writer, header, channel.clientId, Eca.BADCOUNT, `${channel.pv.name} has ${channel.pv.maxElements} elements, not ${dataCount}`);
    return false;
  }

  private read(request: ReadRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    if (!isReadableDbrType(request.dataType)) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADTYPE, `DBR type ${request.dataType} cannot be read`);
      return;
    }
    if (!this.countAllowed(channel, request.header, request.dataCount)) return;
    if (!channel.rights.read) return this.readRefused(request, channel, Eca.NORDACCESS, `${channel.pv.name}: no read access`);
    // READ (before READ_NOTIFY existed) carried the client's channel id where READ_NOTIFY carries the status.
    const parameter1 = request.command === Command.READ_NOTIFY ? Eca.NORMAL : channel.clientId;
    const failure = this.writeValue(request.command, request.dataType, request.dataCount, parameter1, request.ioid, channel.pv);
    if (failure !== undefined) this.readRefused(request, channel, Eca.GETFAIL, failure);
  }

  /**
   * As rsrv's read_action and read_notify_action answer a read they cannot serve: READ_NOTIFY gets
   * its reply zeroed with the status (libca hands that to the callback), READ an error message.
   */
  private readRefused(request: ReadRequest, channel: Channel, status: number, message: string): void {
    if (request.command === Command.READ_NOTIFY) this.writeDataFailed(Command.READ_NOTIFY, status, request.dataType, request.dataCount, request.ioid);
    else writeError(this.writer, request.header, channel.clientId, status, message);
  }

  /**
   * Encodes the PV's value, `dataCount` elements (0: as many as it holds now). When the PV's own
   * code throws, nothing of the reply is left written and the message for the client is returned.
   */
  private writeValue(command: number, dataType: number, dataCount: number, parameter1: number, parameter2: number, pv: ProcessVariable): string | undefined {
    const written = this.writer.size;
    try {
      // An empty array goes out as rsrv sends it: count 0, with one zeroed element of payload.
      const count = dataCount === 0 ? pv.value().length : dataCount;
      const offset = this.writer.begin(command, dbrPayloadSize(dataType, Math.max(count, 1)), dataType, count, parameter1, parameter2);
      encodeDbr(this.writer.target, offset, dataType, Math.max(count, 1), pv);
      return undefined;
    } catch (error) {
      this.writer.truncate(written);
      return this.readFailed(pv, error);
    }
  }

  /** A reply or update that carries no value, as rsrv sends one: zeroed, with `status` where the status goes. */
  private writeDataFailed(command: number, status: number, dataType: number, count: number, parameter2: number): void {
    const size = dbrPayloadSize(dataType, Math.max(count, 1));
    const offset = this.writer.begin(command, size, dataType, count, status, parameter2);
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
    if (!channel.rights.write) return fail(Eca.NOWTACCESS, channel.rights.noWriteReason ?? `${pv.name}: no write access`);
    const answer = (outcome: WriteResult) => {
      if (outcome.ok) {
        if (request.command === Command.WRITE_NOTIFY) writeWriteNotify(this.writer, request.header, Eca.NORMAL);
      } else {
        fail(outcome.error === 'readOnly' ? Eca.NOWTACCESS : Eca.PUTFAIL, outcome.message);
      }
    };
    if (request.dataType === DbrType.PUT_ACKT || request.dataType === DbrType.PUT_ACKS) {
      if (request.payload.length < 2) return fail(Eca.PUTFAIL, 'alarm acknowledgement without a value');
      const kind = request.dataType === DbrType.PUT_ACKT ? 'transient' : 'severity';
      const level = request.payload.readUInt16BE(0);
      return this.performWrite(pv, `${kind === 'transient' ? 'ACKT' : 'ACKS'}=${level}`, () => pv.acknowledgeAlarm(kind, level, this.identity), answer);
    }
    const count = Math.min(request.dataCount, pv.maxElements);
    let enumStrings: readonly string[];
    try {
      enumStrings = pv.metadata().enumStrings;
    } catch (error) {
      return fail(Eca.PUTFAIL, this.readFailed(pv, error));
    }
    const decoded = decodeDbrForWrite(request.payload, request.dataType, count, pv.type, enumStrings);
    if (!decoded.ok) return fail(decoded.error === 'badType' ? Eca.BADTYPE : Eca.PUTFAIL, `${pv.name}: ${decoded.message}`);
    const value = decoded.value;
    // WRITE_NOTIFY is answered when the processing it started has finished (rsrv's write_notify_action: dbProcessNotify).
    const completionOn = request.command === Command.WRITE_NOTIFY ? channel : undefined;
    this.performWrite(pv, value, (completion) => pv.write(value, this.identity, completion), answer, completionOn);
  }

  private addSubscription(request: EventAddRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    if (!isReadableDbrType(request.dataType)) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADTYPE, `DBR type ${request.dataType} cannot be monitored`);
      return;
    }
    if (!this.countAllowed(channel, request.header, request.dataCount)) return;
    if (this.operations.has(request.subscriptionId)) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADMONID, `subscription ${request.subscriptionId} exists`);
      return;
    }
    if (!this.mayAdd('maxSubscriptionsPerCircuit')) {
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
    let unsubscribe: () => void;
    try {
      unsubscribe = channel.pv.subscribe((mask) => {
        if ((mask & subscription.mask) !== 0 && channel.rights.read) this.output.deliver(subscription);
      });
    } catch (error) {
      // caerr.h's ECA_ADDFAIL ("could not perform a database event add"), with the reason; libca hands it to the callback.
      writeError(this.writer, request.header, channel.clientId, Eca.ADDFAIL, this.readFailed(channel.pv, error, 'subscription'));
      return;
    }
    // Cleared, a queued entry is skipped.
    subscription.stop = () => {
      unsubscribe();
      subscription.pending = false;
    };
    this.addOperation(subscription);
    // Like rsrv, the current value goes out at once, whatever the mask.
    this.output.deliver(subscription);
  }

  private cancelSubscription(request: EventCancelRequest): void {
    const channel = this.channelFor(request.header);
    if (!channel) return;
    const subscription = this.operations.get(request.subscriptionId);
    if (!subscription || subscription.channel !== channel) {
      writeError(this.writer, request.header, channel.clientId, Eca.BADMONID, `no subscription ${request.subscriptionId}`);
      return;
    }
    this.removeOperation(subscription);
    writeEventCancelled(this.writer, request.header);
  }

  protected writeUpdate(subscription: Subscription): void {
    const pv = subscription.channel.pv;
    if (!subscription.channel.rights.read) {
      const deniedCount = subscription.dataCount === 0 ? pv.maxElements : subscription.dataCount;
      return this.writeDataFailed(Command.EVENT_ADD, Eca.NORDACCESS, subscription.dataType, deniedCount, subscription.id);
    }
    // A PV that cannot be read this time gets ECA_GETFAIL in this update, as rsrv's read_reply sends; the subscription stays.
    const failure = this.writeValue(Command.EVENT_ADD, subscription.dataType, subscription.dataCount, Eca.NORMAL, subscription.id, pv);
    if (failure !== undefined) this.writeDataFailed(Command.EVENT_ADD, Eca.GETFAIL, subscription.dataType, subscription.dataCount, subscription.id);
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
      if (readChanged) for (const subscription of channel.operations) this.output.deliver(subscription);
    }
  }
}
