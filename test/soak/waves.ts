import { startPyepics } from '../helpers/pyepics';
import { SoakCircuit } from './soak-client';
import { soakPvName } from './soak-server';

/** A light client on a connection of its own that monitors its channels and counts updates. */
export interface SoakClient {
  readonly updates: number;
  /** `clean`: clear the channels, then close; else drop the connection, as a client that crashes. */
  close(clean: boolean): void;
}

/** What a wave needs of a protocol: light clients, and real ones (a client library) beside them. */
export interface SoakProtocol {
  open(port: number, names: readonly string[]): Promise<SoakClient>;
  /** A real client monitoring `names` for `holdMs`: how many channels connected, how many updates came. */
  realClient(names: readonly string[], holdMs: number, clientEnv: Record<string, string>): Promise<{ connected: number; updates: number }>;
}

/** CA: raw circuits, and pyepics (libca) with a context of its own per client. */
export const CA_SOAK: SoakProtocol = {
  open: (port, names) => SoakCircuit.open(port, names),
  realClient: (names, holdMs, clientEnv) =>
    startPyepics<{ connected: number; updates: number }>(
      `
names = ${JSON.stringify(names)}
updates = [0]
def cb(**kw): updates[0] += 1
pvs = [epics.PV(name, callback=cb, auto_monitor=True) for name in names]
connected = sum(1 for pv in pvs if pv.wait_for_connection(timeout=10))
time.sleep(${holdMs / 1000})
emit({'connected': connected, 'updates': updates[0]})
`,
      clientEnv,
      holdMs + 60_000,
    ).result,
};

export interface WaveOptions {
  protocol: SoakProtocol;
  tcpPort: number;
  /** The environment libca needs to find the server. */
  clientEnv: Record<string, string>;
  clients: number;
  channelsPerClient: number;
  /** Of which real clients (the protocol's client library). */
  libcaClients: number;
  /** How long the clients stay connected and monitoring. */
  holdMs: number;
}

export interface WaveFigures {
  clients: number;
  channels: number;
  /** Updates the raw clients received. */
  updates: number;
  /** Raw clients that received no update during the hold. */
  starved: number;
  /** Updates each libca client received. */
  libcaUpdates: number[];
}

/** Connections opened at once: a burst of 500 SYNs would overflow the listen backlog and wait on retransmits. */
const CONNECT_CONCURRENCY = 50;

/**
 * One wave: the clients connect and monitor, hold, then leave; half clear their channels
 * first, half drop the connection, as clients that crash do.
 */
export async function runWave(options: WaveOptions): Promise<WaveFigures> {
  const libca = Array.from({ length: options.libcaClients }, (_, index) => {
    const names = Array.from({ length: options.channelsPerClient }, (_, k) => soakPvName(index * 7 + k));
    return options.protocol.realClient(names, options.holdMs, options.clientEnv);
  });
  const circuits: SoakClient[] = [];
  for (let first = 0; first < options.clients; first += CONNECT_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, options.clients - first) }, (_, offset) => {
      const client = first + offset;
      const names = Array.from({ length: options.channelsPerClient }, (_, k) => soakPvName(client * options.channelsPerClient + k));
      return options.protocol.open(options.tcpPort, names);
    });
    circuits.push(...(await Promise.all(batch)));
  }
  const connectedAt = circuits.map((circuit) => circuit.updates);
  await new Promise((resolve) => setTimeout(resolve, options.holdMs));
  const starved = circuits.filter((circuit, index) => circuit.updates === connectedAt[index]).length;
  const updates = circuits.reduce((sum, circuit) => sum + circuit.updates, 0);
  circuits.forEach((circuit, index) => circuit.close(index % 2 === 0));
  const libcaResults = await Promise.all(libca);
  for (const result of libcaResults) {
    if (result.connected !== options.channelsPerClient) throw new Error(`a real client connected ${result.connected} of ${options.channelsPerClient} channels`);
  }
  return {
    clients: circuits.length + libcaResults.length,
    channels: (circuits.length + libcaResults.length) * options.channelsPerClient,
    updates,
    starved,
    libcaUpdates: libcaResults.map((result) => result.updates),
  };
}
