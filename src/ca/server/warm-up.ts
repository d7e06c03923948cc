import {
  writeClearChannelRequest,
  writeClientNameRequest,
  writeCreateChannelRequest,
  writeDatagramVersionRequest,
  writeEchoRequest,
  writeEventAddRequest,
  writeEventCancelRequest,
  writeHostNameRequest,
  writeReadNotifyRequest,
  writeSearchRequest,
  writeVersionRequest,
} from '../protocol/client-requests';
import { Dbe } from '../protocol/constants';
import { DbrType } from '../protocol/dbr';
import { MessageWriter } from '../protocol/writer';
import type { PvProvider } from '../../database/pv';
import type { Logger } from '../../logger';
import type { ServerLimits } from '../../net/limits';
import { socketTransport } from '../../net/socket-transport';
import type { SearchAnswerer, SendReply } from '../../net/udp-responder';
import { Circuit } from './circuit';

// A freshly started server meets its first client with its request paths not yet compiled: V8
// interprets them, then TurboFan compiles them while the client waits, and a connect of thousands
// of channels costs several times a warm one. So, before the server listens, the paths a client
// takes are run here through the real search replies and a real circuit on the real (guarded)
// provider, with every reply discarded: searches, CREATE_CHAN, reads of the DBR types clients ask
// for, a subscription made and cancelled, CLEAR_CHANNEL. Only what reads do is done (reads never
// process a record); the circuit is never the host's, so no client is counted, and it logs nowhere.

/** Channels created in all; enough for TurboFan to have compiled the paths (measured: see BENCHMARKS.md). */
const WARM_UP_CHANNELS = 4096;
/** Reads per channel, of the types below in turn. */
const READS_PER_CHANNEL = 2;
/** Channels per circuit: enough replies (> 16 KiB) that its writer moves to a new buffer, as a real circuit's does. */
const CHANNELS_PER_ROUND = 128;
/** Names per search datagram (libca puts ~40 in one). */
const NAMES_PER_DATAGRAM = 32;
/** A client searches each name before it creates a channel, often more than once; searches are cheap, their functions small: V8 needs more calls of them. */
const SEARCHES_PER_NAME = 4;
/** A name for the search and CREATE_CHAN paths of names not served (a record name has no spaces). */
const UNSERVED = 'warm-up: not served';
/**
 * A client's address as dgram gives it: a string made at run time (V8 internalizes literals). The
 * search replies compare peers' hosts, and their code compiled on internalized strings only would
 * be thrown away at the first real client ("wrong instance type").
 */
const PEER = { host: ['127', '0', '0', '1'].join('.'), port: 0 };
const SERVED_ON = '127.0.0.1';

/** What libca, pyepics, camonitor and CAJ ask for: the native type, DOUBLE and STRING, plain, with time stamps and with limits. */
const READ_FAMILIES = [0, DbrType.STS_STRING, DbrType.TIME_STRING, DbrType.GR_STRING, DbrType.CTRL_STRING];
const readTypes = (native: number): number[] => [
  ...new Set(READ_FAMILIES.flatMap((family) => [family + native, family + DbrType.DOUBLE, family + DbrType.STRING])),
];

interface WarmUpChannel {
  name: string;
  /** The PV's native DBR type. */
  native: number;
  reads: readonly number[];
}

export interface WarmUpContext {
  /** The guarded provider, as the server's circuits use it. */
  provider: PvProvider;
  /** The server's search replies (for any TCP port: the replies are discarded). */
  answer: SearchAnswerer;
  limits: ServerLimits;
  /**
   * Loggers for the circuits, taken in turn; they must not log. Two of different kinds, so that
   * V8 sees a circuit's logger field hold more than one kind before the first client's (a child
   * of the server's logger) arrives: one kind only, and that client's would deoptimise the circuit's code.
   */
  loggers: readonly Logger[];
}

export interface WarmUpSummary {
  /** Requests served, searches included. */
  requests: number;
  /** Reply bytes produced, and discarded. */
  replyBytes: number;
}

/** One client's requests, as bytes: replayed, each time to a new circuit, until the paths are compiled. */
interface Script {
  searches: Buffer[];
  searchRequests: number;
  /** VERSION, CLIENT_NAME, HOST_NAME, the CREATE_CHANs. */
  opening: Buffer;
  /** Reads, a subscription made and cancelled, CLEAR_CHANNEL, ECHO. */
  rest: Buffer;
  circuitRequests: number;
}

/**
 * Runs the CA request paths on `names` (PVs the provider serves, read only) before the server
 * listens; unserved names, or none, still warm the search, decoding and reply paths. A round at a
 * time: the generator stops after each (one client's life, a few ms), so that whoever drives it
 * can let other work run in between; it returns the summary when all are done.
 */
export function* warmUpCaServer(context: WarmUpContext, names: readonly string[]): Generator<void, WarmUpSummary> {
  const served = names.flatMap((name) => {
    const type = context.provider.find(name)?.type;
    return type === undefined ? [] : [{ name, native: type, reads: readTypes(type) }];
  });
  const script = scriptFor(served.length === 0 ? [] : Array.from({ length: CHANNELS_PER_ROUND }, (_, index) => served[index % served.length]!));
  const summary: WarmUpSummary = { requests: 0, replyBytes: 0 };
  for (let round = 0; round < WARM_UP_CHANNELS / CHANNELS_PER_ROUND; round++) {
    for (let search = 0; search < SEARCHES_PER_NAME; search++) answerSearches(context, script, summary);
    serveCircuit(context, script, context.loggers[round % context.loggers.length]!, summary);
    yield;
  }
  return summary;
}

function answerSearches(context: WarmUpContext, script: Script, summary: WarmUpSummary): void {
  const discard: SendReply = (reply) => (summary.replyBytes += reply.data.length);
  for (const datagram of script.searches) context.answer.answer(datagram, PEER, SERVED_ON, discard);
  context.answer.flush(discard);
  summary.requests += script.searchRequests;
}

function scriptFor(round: readonly WarmUpChannel[]): Script {
  const writer = new MessageWriter();
  const take = () => Buffer.from(writer.take()!);
  const searches: Buffer[] = [];
  for (let first = 0; first <= round.length; first += NAMES_PER_DATAGRAM) {
    writeDatagramVersionRequest(writer, searches.length + 1);
    round.slice(first, first + NAMES_PER_DATAGRAM).forEach((channel, index) => writeSearchRequest(writer, channel.name, first + index));
    if (first + NAMES_PER_DATAGRAM > round.length) writeSearchRequest(writer, UNSERVED, round.length);
    searches.push(take());
  }
  writeVersionRequest(writer);
  writeClientNameRequest(writer, 'warm-up');
  writeHostNameRequest(writer, 'localhost');
  round.forEach((channel, index) => writeCreateChannelRequest(writer, channel.name, index));
  // Last, so that the server ids of the others are theirs whether it is served or not: from 1, in creation order.
  writeCreateChannelRequest(writer, UNSERVED, round.length);
  const opening = take();
  let circuitRequests = 3 + round.length + 1;
  round.forEach((channel, index) => {
    const serverId = index + 1;
    // Each channel reads a few of its types; over the round, every type clients ask for is read.
    for (let read = 0; read < READS_PER_CHANNEL; read++) {
      writeReadNotifyRequest(writer, channel.reads[(index * READS_PER_CHANNEL + read) % channel.reads.length]!, 1, serverId, read);
    }
    const monitored = DbrType.TIME_STRING + channel.native;
    writeEventAddRequest(writer, monitored, 0, serverId, index, Dbe.VALUE | Dbe.ALARM);
    writeEventCancelRequest(writer, monitored, 0, serverId, index);
    writeClearChannelRequest(writer, serverId, index);
    circuitRequests += READS_PER_CHANNEL + 3;
  });
  writeEchoRequest(writer);
  return { searches, searchRequests: searches.length + round.length + 1, opening, rest: take(), circuitRequests: circuitRequests + 1 };
}

/** One circuit's life, as a client leads it: introduced, channels created, read, monitored, cleared; then closed. */
function serveCircuit(context: WarmUpContext, script: Script, logger: Logger, summary: WarmUpSummary): void {
  const sink = socketTransport({
    remoteAddress: PEER.host,
    remotePort: PEER.port,
    write: (data: Buffer) => {
      summary.replyBytes += data.length;
      return true;
    },
    pause: () => undefined,
    resume: () => undefined,
    end: () => undefined,
    destroy: () => undefined,
  });
  const circuit = new Circuit(sink, { provider: context.provider, tcpPort: 0, limits: context.limits, logger, onClose: () => undefined });
  circuit.receive(script.opening);
  circuit.receive(script.rest);
  circuit.transportClosed();
  summary.requests += script.circuitRequests;
}
