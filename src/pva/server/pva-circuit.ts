import { EventMask, type AccessRights, type ClientIdentity, type ProcessVariable, type PvProvider, type WriteResult } from '../../database/pv';
import type { Logger } from '../../logger';
import { SendQueue } from '../../net/send-queue';
import type { CircuitTransport } from '../../net/socket-transport';
import {
  BitSet,
  Command,
  ControlCommand,
  errorStatus,
  parsePvRequest,
  ProtocolError,
  PvaCircuitReader,
  PvaMessageWriter,
  PvRequestError,
  PVStructure,
  selectFields,
  STATUS_OK,
  TCP_PROTOCOL,
  UNSPECIFIED_ADDRESS,
  writeConnectionValidated,
  writeConnectionValidation,
  writeCreateChannel,
  writeDestroyChannel,
  writeEcho,
  writeGetField,
  writeMonitorUpdate,
  writeOperationData,
  writeOperationInit,
  writeOperationStatus,
  writeSearchResponse,
  writeSetByteOrder,
  type ClientMessage,
  type ConnectionValidationResponse,
  type GetFieldRequest,
  type GetRequest,
  type MonitorRequest,
  type PutRequest,
  type SearchRequest,
  type Status,
} from '../protocol';
import { ntMappingOf, type NtMapping } from './nt-mapping';

export interface PvaCircuitOptions {
  provider: PvProvider;
  /** The server's GUID and TCP port, for replies to searches made over this connection. */
  guid: Uint8Array;
  tcpPort: number;
  maxPayloadSize: number;
  logger: Logger;
  /** Called once, when the connection has closed for whatever reason. */
  onClose: (circuit: PvaCircuit) => void;
}

/** What the server offers in CONNECTION_VALIDATION; pvAccessCPP clients take the last they know. */
const AUTH_METHODS = ['anonymous', 'ca'];
const RECEIVE_BUFFER_SIZE = 0x10000;
const INTROSPECTION_REGISTRY_SIZE = 0x7fff;
/** A PV change a monitor passes on, as QSRV's monitors subscribe (DBE_VALUE | DBE_ALARM | DBE_PROPERTY). */
const MONITORED_EVENTS = EventMask.VALUE | EventMask.ALARM | EventMask.PROPERTY;
const EVERYTHING = BitSet.of(0);

interface Channel {
  readonly clientId: number;
  readonly serverId: number;
  readonly pv: ProcessVariable;
  rights: AccessRights;
  readonly operations: Set<Operation>;
}

interface Operation {
  readonly kind: 'get' | 'put' | 'monitor';
  readonly requestId: number;
  readonly channel: Channel;
  readonly mapping: NtMapping;
  /** What the client was last sent (a monitor) or a scratch value (get, put). */
  readonly value: PVStructure;
  readonly selected: BitSet;
}

/**
 * A monitor: `changed` gathers the fields that differ from what the client last saw, so an update
 * that cannot go out now (socket full, pipeline window closed) coalesces into the next one.
 */
interface Monitor extends Operation {
  readonly kind: 'monitor';
  readonly changed: BitSet;
  readonly pipeline: boolean;
  /** With pipeline: updates the client can still take. */
  window: number;
  started: boolean;
  /** Queued for the next flush; the queue holds each at most once. */
  pending: boolean;
  /** An update is waiting (the first, or a change); sent when the monitor may send. */
  dirty: boolean;
  stop: () => void;
}

const isMonitor = (operation: Operation): operation is Monitor => operation.kind === 'monitor';

/**
 * One client's pvAccess connection: validation, its channels and operations. While the client
 * does not keep up, each monitor waits in the send queue holding only what changed since its last update.
 */
export class PvaCircuit {
  readonly identity: ClientIdentity;
  logger: Logger;
  private readonly reader: PvaCircuitReader;
  private readonly writer = new PvaMessageWriter(true);
  private readonly channels = new Map<number, Channel>();
  private readonly operations = new Map<number, Operation>();
  private readonly output: SendQueue<Monitor>;
  private nextServerId = 1;
  private validated = false;

  constructor(
    private readonly transport: CircuitTransport,
    private readonly options: PvaCircuitOptions,
  ) {
    this.identity = { user: '', host: transport.remoteAddress, address: transport.remoteAddress };
    this.reader = new PvaCircuitReader(options.maxPayloadSize);
    this.logger = options.logger.child({ client: `${transport.remoteAddress}:${transport.remotePort}`, protocol: 'pva' });
    this.output = new SendQueue(transport, this.writer, (monitor) => this.writeUpdate(monitor));
    writeSetByteOrder(this.writer);
    writeConnectionValidation(this.writer, {
      receiveBufferSize: RECEIVE_BUFFER_SIZE,
      introspectionRegistryMaxSize: INTROSPECTION_REGISTRY_SIZE,
      authNZ: AUTH_METHODS,
    });
    this.output.flush();
  }

  get channelCount(): number {
    return this.channels.size;
  }
  /** Monitors: pvAccess's subscriptions. */
  get subscriptionCount(): number {
    let count = 0;
    for (const operation of this.operations.values()) if (isMonitor(operation)) count++;
    return count;
  }

  /** Bytes from the socket. A broken message closes this connection only. */
  receive(chunk: Buffer): void {
    if (this.output.closed) return;
    this.reader.push(chunk);
    try {
      for (let message = this.reader.next(); message; message = this.reader.next()) {
        this.dispatch(message);
        if (this.output.closed) return;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.logger.warn({ user: this.identity.user, host: this.identity.host, reason: error.message }, 'protocol error; closing connection');
      this.transport.destroy();
      this.release();
      return;
    }
    this.output.flush();
  }

  /** The socket can take more: resume updates that waited. */
  drained(): void {
    if (this.output.drained()) this.output.scheduleFlush();
  }

  transportClosed(): void {
    this.release();
  }

  /** Server shutdown: tell the client each channel is gone, then close. */
  shutdown(): void {
    if (this.output.closed) return;
    for (const channel of this.channels.values()) writeDestroyChannel(this.writer, channel.serverId, channel.clientId);
    this.output.end();
    this.release();
  }

  /** The PVs' access rights may have changed: monitors that regain read access get the current value. */
  refreshAccessRights(): void {
    if (this.output.closed) return;
    for (const channel of this.channels.values()) {
      const rights = channel.pv.accessRights(this.identity);
      const regained = rights.read && !channel.rights.read;
      channel.rights = rights;
      if (regained) for (const operation of channel.operations) if (isMonitor(operation)) this.changed(operation);
    }
    this.output.scheduleFlush();
  }

  private release(): void {
    if (this.output.closed) return;
    this.output.close();
    for (const operation of this.operations.values()) if (isMonitor(operation)) operation.stop();
    this.operations.clear();
    this.channels.clear();
    this.options.onClose(this);
  }

  private dispatch(message: ClientMessage): void {
    if (!this.validated && message.kind !== 'connectionValidation' && message.kind !== 'control' && message.kind !== 'echo') {
      throw new ProtocolError(`${message.kind} before connection validation`);
    }
    switch (message.kind) {
      case 'control':
        if (message.command === ControlCommand.ECHO_REQUEST) this.writer.control(ControlCommand.ECHO_RESPONSE, message.value);
        return;
      case 'echo':
        return writeEcho(this.writer, message.payload);
      case 'connectionValidation':
        return this.validate(message);
      case 'search':
        return this.search(message);
      case 'createChannel':
        for (const { clientChannelId, name } of message.channels) this.createChannel(clientChannelId, name);
        return;
      case 'destroyChannel':
        return this.destroyChannel(message.serverChannelId, message.clientChannelId);
      case 'getInit':
      case 'putInit':
      case 'monitorInit':
        return this.initOperation(message);
      case 'get':
        return this.get(message);
      case 'put':
        return this.put(message);
      case 'monitor':
        return this.monitor(message);
      case 'getField':
        return this.getField(message);
      case 'destroyRequest':
      case 'cancelRequest':
        // Every operation but a PUT completes at once; a PUT in progress is let finish, as QSRV does.
        if (message.kind === 'destroyRequest') this.removeOperation(message.requestId);
        return;
      case 'unsupportedOperation':
        if (message.init) writeOperationInit(this.writer, message.command, message.requestId, errorStatus('operation not supported'));
        else writeOperationStatus(this.writer, message.command, message.requestId, message.subcommand, errorStatus('operation not supported'));
        return;
      case 'authNZ':
      case 'originTag':
        return;
    }
  }

  private validate(message: ConnectionValidationResponse): void {
    if (message.authNZ === 'ca') {
      this.identity.user = message.user ?? '';
      this.identity.host = message.host ?? this.identity.address;
    } else if (message.authNZ !== 'anonymous') {
      this.logger.debug({ authNZ: message.authNZ }, 'unknown authentication; taken as anonymous');
    }
    this.validated = true;
    this.logger = this.logger.child({ user: this.identity.user, host: this.identity.host });
    writeConnectionValidated(this.writer);
    this.refreshAccessRights();
  }

  private search(request: SearchRequest): void {
    if (request.protocols.length > 0 && !request.protocols.includes(TCP_PROTOCOL)) return;
    const found = request.channels.filter((channel) => this.options.provider.find(channel.name) !== undefined);
    if (found.length === 0 && !request.mustReply) return;
    writeSearchResponse(this.writer, {
      guid: this.options.guid,
      sequenceId: request.sequenceId,
      address: UNSPECIFIED_ADDRESS,
      port: this.options.tcpPort,
      protocol: TCP_PROTOCOL,
      found: found.length > 0,
      searchInstanceIds: (found.length > 0 ? found : request.channels).map((channel) => channel.searchInstanceId),
    });
  }

  private createChannel(clientId: number, name: string): void {
    const pv = this.options.provider.find(name);
    if (!pv) {
      writeCreateChannel(this.writer, clientId, 0, errorStatus(`no channel ${name}`));
      return;
    }
    const channel: Channel = { clientId, serverId: this.nextServerId++, pv, rights: pv.accessRights(this.identity), operations: new Set() };
    this.channels.set(channel.serverId, channel);
    writeCreateChannel(this.writer, clientId, channel.serverId);
  }

  private destroyChannel(serverId: number, clientId: number): void {
    const channel = this.channels.get(serverId);
    if (!channel) return;
    for (const operation of channel.operations) this.removeOperation(operation.requestId);
    this.channels.delete(serverId);
    writeDestroyChannel(this.writer, serverId, clientId);
  }

  private initOperation(message: Extract<ClientMessage, { kind: 'getInit' | 'putInit' | 'monitorInit' }>): void {
    const command = message.kind === 'getInit' ? Command.GET : message.kind === 'putInit' ? Command.PUT : Command.MONITOR;
    const fail = (status: Status) => writeOperationInit(this.writer, command, message.requestId, status);
    const channel = this.channels.get(message.serverChannelId);
    if (!channel) return fail(errorStatus(`no channel with server id ${message.serverChannelId}`));
    if (this.operations.has(message.requestId)) return fail(errorStatus(`request id ${message.requestId} in use`));
    const mapping = ntMappingOf(channel.pv);
    let selected: BitSet;
    let pipeline = false;
    try {
      const request = parsePvRequest(message.pvRequest);
      selected = selectFields(mapping.type, request);
      pipeline = message.kind === 'monitorInit' && message.pipeline;
    } catch (error) {
      if (!(error instanceof PvRequestError)) throw error;
      return fail(errorStatus(error.message));
    }
    const base = { requestId: message.requestId, channel, mapping, value: new PVStructure(mapping.type), selected };
    let operation: Operation;
    if (message.kind === 'monitorInit') {
      const monitor: Monitor = {
        ...base,
        kind: 'monitor',
        changed: BitSet.of(0),
        pipeline,
        window: message.nfree,
        started: false,
        pending: false,
        dirty: true,
        stop: () => undefined,
      };
      monitor.stop = channel.pv.subscribe((mask) => {
        if ((mask & MONITORED_EVENTS) !== 0) this.changed(monitor);
      });
      operation = monitor;
    } else {
      operation = { ...base, kind: message.kind === 'getInit' ? 'get' : 'put' };
    }
    this.operations.set(operation.requestId, operation);
    channel.operations.add(operation);
    writeOperationInit(this.writer, command, operation.requestId, STATUS_OK, mapping.type);
  }

  /** The operation a request names, of the kind it should be, or an error reply. */
  private operationFor(command: number, requestId: number, subcommand: number, kind: Operation['kind']): Operation | undefined {
    const operation = this.operations.get(requestId);
    if (operation?.kind === kind) return operation;
    writeOperationStatus(this.writer, command, requestId, subcommand, errorStatus(`no ${kind} operation ${requestId}`));
    return undefined;
  }

  private get(request: GetRequest): void {
    const operation = this.operationFor(Command.GET, request.requestId, request.subcommand, 'get');
    if (!operation) return;
    if (request.destroy) this.removeOperation(operation.requestId);
    this.writeData(Command.GET, operation, request.subcommand);
  }

  private writeData(command: typeof Command.GET | typeof Command.PUT, operation: Operation, subcommand: number): void {
    const { channel } = operation;
    if (!channel.rights.read) {
      writeOperationStatus(this.writer, command, operation.requestId, subcommand, errorStatus(`${channel.pv.name}: no read access`));
      return;
    }
    operation.mapping.fill(operation.value);
    writeOperationData(this.writer, command, operation.requestId, subcommand, operation.value, EVERYTHING, operation.selected);
  }

  private put(request: PutRequest): void {
    const operation = this.operationFor(Command.PUT, request.requestId, request.subcommand, 'put');
    if (!operation) return;
    if (request.destroy) this.removeOperation(operation.requestId);
    if (request.getPut) return this.writeData(Command.PUT, operation, request.subcommand);
    const { pv } = operation.channel;
    const reply = (status: Status) => writeOperationStatus(this.writer, Command.PUT, request.requestId, request.subcommand, status);
    if (!operation.channel.rights.write) return reply(errorStatus(`${pv.name}: no write access`));
    // record._options.process and block are not consulted: the write is a CA put's (dbPutField
    // processes a Passive record when the field is PP), which is QSRV's process=passive, and the
    // reply waits for the write to complete, as block=true would.
    // A fresh value, so that fields the client leaves out are not taken from an earlier PUT.
    const into = new PVStructure(operation.mapping.type);
    const bits = this.reader.decodePutData(request, into);
    const outcome = operation.mapping.putValue(into, bits);
    if (!outcome.ok) return reply(errorStatus(outcome.message));
    if (outcome.value === undefined) return reply(STATUS_OK);
    let result: WriteResult | Promise<WriteResult>;
    try {
      result = pv.write(outcome.value, this.identity);
    } catch (error) {
      this.logger.error({ err: error, pv: pv.name }, 'write handler failed');
      return reply(errorStatus(`${pv.name}: write failed`));
    }
    const answer = (written: WriteResult) => reply(written.ok ? STATUS_OK : errorStatus(written.message));
    if (!(result instanceof Promise)) return answer(result);
    result
      .then(answer, (error: unknown) => {
        this.logger.error({ err: error, pv: pv.name }, 'write handler failed');
        reply(errorStatus(`${pv.name}: write failed`));
      })
      .finally(() => this.output.scheduleFlush());
  }

  private monitor(request: MonitorRequest): void {
    const operation = this.operations.get(request.requestId);
    if (!operation || !isMonitor(operation)) return;
    if (request.destroy) return this.removeOperation(operation.requestId);
    if (operation.pipeline) operation.window += request.ack;
    if (request.start !== undefined) operation.started = request.start;
    if (operation.started && operation.dirty) this.changed(operation);
  }

  private getField(request: GetFieldRequest): void {
    const channel = this.channels.get(request.serverChannelId);
    if (!channel) return writeGetField(this.writer, request.requestId, errorStatus(`no channel with server id ${request.serverChannelId}`));
    const type = ntMappingOf(channel.pv).type;
    if (request.subField === '' || request.subField === 'field') return writeGetField(this.writer, request.requestId, STATUS_OK, type);
    const bit = type.offsets.get(request.subField);
    if (bit === undefined) return writeGetField(this.writer, request.requestId, errorStatus(`${channel.pv.name} has no field ${request.subField}`));
    writeGetField(this.writer, request.requestId, STATUS_OK, type.nodes[bit]);
  }

  private removeOperation(requestId: number): void {
    const operation = this.operations.get(requestId);
    if (!operation) return;
    if (isMonitor(operation)) {
      operation.stop();
      operation.pending = false;
    }
    operation.channel.operations.delete(operation);
    this.operations.delete(requestId);
  }

  /** A monitor has something new, to go out when the monitor may send. */
  private changed(monitor: Monitor): void {
    monitor.dirty = true;
    if (this.maySend(monitor)) this.output.deliver(monitor);
  }

  private maySend(monitor: Monitor): boolean {
    return monitor.started && monitor.channel.rights.read && (!monitor.pipeline || monitor.window > 0);
  }

  private writeUpdate(monitor: Monitor): void {
    // A monitor that waited in the send queue may since have been stopped or lost read access.
    if (!this.maySend(monitor)) return;
    monitor.mapping.fill(monitor.value, monitor.changed);
    monitor.dirty = false;
    if (monitor.changed.isEmpty()) return;
    writeMonitorUpdate(this.writer, monitor.requestId, monitor.value, monitor.changed, monitor.selected);
    monitor.changed.clearAll();
    if (monitor.pipeline) monitor.window--;
  }
}
