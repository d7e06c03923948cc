import { providerServes, type ProcessVariable, type PvProvider } from '../../database/pv';
import { CircuitBase, type CircuitOptions } from '../../net/circuit-base';
import type { CircuitTransport } from '../../net/socket-transport';
import {
  ControlCommand,
  errorStatus,
  ProtocolError,
  PvaCircuitReader,
  PvaMessageWriter,
  UNSPECIFIED_ADDRESS,
  writeConnectionValidated,
  writeConnectionValidation,
  writeCreateChannel,
  writeDestroyChannel,
  writeEcho,
  writeOperationInit,
  writeOperationStatus,
  writeSetByteOrder,
  type ClientMessage,
  type ConnectionValidationResponse,
} from '../protocol';
import type { OperationContext } from './operations/context';
import { getField } from './operations/get-field';
import { get, put } from './operations/get-put';
import { initOperation } from './operations/init';
import { changed, monitor, writeUpdate } from './operations/monitor';
import { isMonitor, type Monitor, type Operation, type PvaChannel } from './operations/operation';
import { writeSearchAnswer } from './search-replies';

export interface PvaCircuitOptions extends CircuitOptions {
  /** The server's GUID and TCP port, for replies to searches made over this connection. */
  guid: Uint8Array;
  tcpPort: number;
}

/** What the server offers in CONNECTION_VALIDATION; pvAccessCPP clients take the last they know. */
const AUTH_METHODS = ['anonymous', 'ca'];
const RECEIVE_BUFFER_SIZE = 0x10000;
const INTROSPECTION_REGISTRY_SIZE = 0x7fff;
const NO_PAYLOAD = Buffer.alloc(0);

/**
 * One client's pvAccess connection: validation and its channels; each operation lives in its own
 * file under operations/ (as pvxs's serverget.cpp, servermon.cpp). While the client does not keep
 * up, each monitor waits in the send queue holding up to its queueSize updates (see monitor-queue.ts).
 */
export class PvaCircuit extends CircuitBase<ClientMessage, PvaMessageWriter, Operation, Monitor> {
  private validated = false;
  private monitors = 0;
  private readonly pvaReader: PvaCircuitReader;
  private readonly context: OperationContext;

  constructor(
    transport: CircuitTransport,
    private readonly pvaOptions: PvaCircuitOptions,
    reader = new PvaCircuitReader(pvaOptions.limits.maxPayloadSize),
  ) {
    super(transport, pvaOptions, reader, new PvaMessageWriter(true));
    this.pvaReader = reader;
    this.identity.host = transport.remoteAddress;
    this.context = this.operationContext();
    writeSetByteOrder(this.writer);
    writeConnectionValidation(this.writer, {
      receiveBufferSize: RECEIVE_BUFFER_SIZE,
      introspectionRegistryMaxSize: INTROSPECTION_REGISTRY_SIZE,
      authNZ: AUTH_METHODS,
    });
    this.output.flush();
  }

  private get provider(): PvProvider {
    return this.pvaOptions.provider;
  }

  /** Monitors: pvAccess's subscriptions. */
  override get subscriptionCount(): number {
    return this.monitors;
  }

  private operationContext(): OperationContext {
    return {
      writer: this.writer,
      identity: this.identity,
      channel: (serverId) => this.channels.get(serverId),
      operation: (requestId) => this.operations.get(requestId),
      mayAddOperation: () => this.mayAdd('maxSubscriptionsPerCircuit'),
      add: (operation) => {
        this.addOperation(operation);
        if (isMonitor(operation)) this.monitors++;
      },
      remove: (operation) => this.removeOperation(operation),
      write: (channel, value, { processing, block }, answer) =>
        this.performWrite(
          channel.pv,
          value,
          (completion) => channel.pv.write(value, this.identity, completion, processing),
          answer,
          block ? channel : undefined,
        ),
      decodePutData: (request, into) => this.pvaReader.decodePutData(request, into),
      readFailed: (pv, error, operation) => this.readFailed(pv, error, operation),
      deliver: (monitor) => this.output.deliver(monitor),
      takesUpdates: () => this.output.takesUpdates,
    };
  }

  protected override removeOperation(operation: Operation): void {
    if (!this.operations.has(operation.id)) return;
    super.removeOperation(operation);
    if (isMonitor(operation)) this.monitors--;
  }

  protected override writeUpdate(monitor: Monitor): void {
    writeUpdate(this.context, monitor);
  }

  protected override writeEchoProbe(): void {
    writeEcho(this.writer, NO_PAYLOAD);
  }

  protected override writeChannelGone(channel: PvaChannel): void {
    writeDestroyChannel(this.writer, channel.serverId, channel.clientId);
  }

  /** The PVs' access rights may have changed: monitors that regain read access get the current value. */
  override refreshAccessRights(): void {
    if (this.output.closed) return;
    for (const channel of this.channels.values()) {
      const rights = channel.pv.accessRights(this.identity);
      const regained = rights.read && !channel.rights.read;
      channel.rights = rights;
      if (regained) for (const operation of channel.operations) if (isMonitor(operation)) changed(this.context, operation);
    }
    this.output.scheduleFlush();
  }

  protected override dispatch(message: ClientMessage): void {
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
        writeSearchAnswer(
          this.writer,
          message,
          { serves: (name) => providerServes(this.provider, name), guid: this.pvaOptions.guid, tcpPort: () => this.pvaOptions.tcpPort },
          UNSPECIFIED_ADDRESS,
        );
        return;
      case 'createChannel':
        for (const { clientChannelId, name } of message.channels) this.createChannel(clientChannelId, name);
        return;
      case 'destroyChannel':
        return this.destroyChannel(message.serverChannelId, message.clientChannelId);
      case 'getInit':
      case 'putInit':
      case 'monitorInit':
        return initOperation(this.context, message);
      case 'get':
        return get(this.context, message);
      case 'put':
        return put(this.context, message);
      case 'monitor':
        return monitor(this.context, message);
      case 'getField':
        return getField(this.context, message);
      case 'destroyRequest':
      case 'cancelRequest': {
        // Every operation but a PUT completes at once; a PUT in progress is let finish, as QSRV does.
        const operation = this.operations.get(message.requestId);
        if (message.kind === 'destroyRequest' && operation) this.removeOperation(operation);
        return;
      }
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
    // A client may validate again; its log lines name it once.
    if (!this.validated) this.logger = this.logger.child({ user: this.identity.user, host: this.identity.host });
    this.validated = true;
    writeConnectionValidated(this.writer);
    this.refreshAccessRights();
  }

  private createChannel(clientId: number, name: string): void {
    const pv: ProcessVariable | undefined = this.provider.find(name);
    if (!pv) return writeCreateChannel(this.writer, clientId, 0, errorStatus(`no channel ${name}`));
    if (!this.mayAdd('maxChannelsPerCircuit'))
      return writeCreateChannel(this.writer, clientId, 0, errorStatus(`maxChannelsPerCircuit (${this.limits.maxChannelsPerCircuit}) reached`));
    const channel = this.addChannel(clientId, pv);
    writeCreateChannel(this.writer, clientId, channel.serverId);
  }

  private destroyChannel(serverId: number, clientId: number): void {
    const channel = this.channels.get(serverId);
    if (!channel) return;
    this.removeChannel(channel);
    writeDestroyChannel(this.writer, serverId, clientId);
  }
}
