/**
 * An open-loop load generator for tracing-service-twins.ts: it sends the quoting service's requests
 * to several servers at a FIXED rate each, on one schedule (request i goes to every server at the
 * same moment), whatever the servers answer. Below saturation each server then does the same work
 * per second whatever tracing costs it, so its CPU per request shows the cost; a server that falls
 * behind shows as fewer completed than scheduled.
 *
 * Requests are written prebuilt on raw keep-alive sockets (HTTP/1.1, pipelined when a connection
 * still waits for an answer, which at the rates used here it rarely does), so the generator costs
 * a few µs a request, not the ~100 µs of `http.request`, and leaves the cores to the servers.
 * Latency runs from the moment a request was due, not when it was sent, so a late generator
 * counts against the figure rather than hiding it (no coordinated omission).
 *
 *   node bench/open-loop.js '<ports as JSON>' <limitMs>
 *
 * Messages: `{ type: 'rate', perSecond }` starts (or changes) the schedule; `{ type: 'mark' }`
 * answers a LoadMark for the time since the previous mark.
 */
import * as net from 'node:net';
import { percentile } from './figures';
import { requestBodies } from './tracing-service';

const CONNECTIONS_PER_SERVER = 16;
const TICK_MS = 1;
/** Set when the parent ends the run: a connection closing is then expected, not a failure. */
let closing = false;

/** What each server got between two marks, in the order of the ports. */
export interface LoadMark {
  type: 'mark';
  /** Requests due, and answered, since the last mark. */
  scheduled: number[];
  completed: number[];
  /** Latency percentiles (ms) of the requests answered since the last mark. */
  p50: number[];
  p99: number[];
  /** Requests sent and not yet answered, now. */
  outstanding: number[];
}

export type LoadCommand = { type: 'rate'; perSecond: number } | { type: 'mark' };

/**
 * The end (exclusive) of the HTTP response that starts at `from` in `data`, or -1 while it is
 * incomplete. Only Content-Length framing: the service always sets it.
 */
export function responseEnd(data: Buffer, from: number): number {
  const headerEnd = data.indexOf('\r\n\r\n', from, 'latin1');
  if (headerEnd < 0) return -1;
  const length = /\r\ncontent-length: *(\d+)/i.exec(data.toString('latin1', from, headerEnd + 2));
  if (!length) throw new Error(`an HTTP response without Content-Length: ${data.toString('latin1', from, headerEnd)}`);
  const end = headerEnd + 4 + Number(length[1]);
  return end <= data.length ? end : -1;
}

/** The status code of the HTTP response that starts at `from`. */
export function responseStatus(data: Buffer, from: number): number {
  return Number(data.toString('latin1', from + 9, from + 12));
}

/** How many requests of a schedule at `perSecond` are due `elapsedMs` after it started: one at 0, then one each 1/perSecond. */
export function dueCount(elapsedMs: number, perSecond: number): number {
  return elapsedMs < 0 ? 0 : Math.floor((elapsedMs * perSecond) / 1000) + 1;
}

/** One keep-alive connection: its answers come back in the order of its requests. */
class Connection {
  /** When each request still unanswered was due, oldest first. */
  private readonly due: number[] = [];
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly socket: net.Socket,
    answered: (dueAt: number) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      let from = 0;
      for (let end = responseEnd(this.pending, from); end >= 0; end = responseEnd(this.pending, from)) {
        const status = responseStatus(this.pending, from);
        if (status !== 200) throw new Error(`the service answered HTTP ${status}`);
        answered(this.due.shift()!);
        from = end;
      }
      this.pending = this.pending.subarray(from);
    });
    socket.on('close', () => {
      if (!closing) throw new Error('the service closed a connection');
    });
  }

  static async open(port: number, answered: (dueAt: number) => void): Promise<Connection> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new Connection(socket, answered);
  }

  send(request: Buffer, dueAt: number): void {
    this.due.push(dueAt);
    this.socket.write(request);
  }

  get outstanding(): number {
    return this.due.length;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One server's connections, and what it answered since the last mark. */
class Target {
  scheduled = 0;
  completed = 0;
  latencies: number[] = [];
  private next = 0;

  constructor(readonly connections: Connection[]) {}

  static async open(port: number): Promise<Target> {
    const target = new Target([]);
    const answered = (dueAt: number) => {
      target.completed++;
      target.latencies.push(performance.now() - dueAt);
    };
    target.connections.push(...(await Promise.all(Array.from({ length: CONNECTIONS_PER_SERVER }, () => Connection.open(port, answered)))));
    return target;
  }

  send(request: Buffer, dueAt: number): void {
    this.scheduled++;
    this.connections[this.next++ % this.connections.length]!.send(request, dueAt);
  }

  outstanding(): number {
    return this.connections.reduce((sum, connection) => sum + connection.outstanding, 0);
  }
}

function prebuiltRequests(): Buffer[] {
  return requestBodies(20_000).map((body) =>
    Buffer.from(
      `POST /quote HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      'utf8',
    ),
  );
}

async function generatorProcess(ports: readonly number[], limitMs: number): Promise<void> {
  setTimeout(() => process.exit(2), limitMs).unref();
  const requests = prebuiltRequests();
  const targets = await Promise.all(ports.map((port) => Target.open(port)));
  let started = 0;
  let perSecond = 0;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const due = dueCount(performance.now() - started, perSecond);
    for (; sent < due; sent++) {
      const dueAt = started + (sent * 1000) / perSecond;
      const request = requests[sent % requests.length]!;
      // Alternating which server is written first, so neither always gets its request sooner.
      for (let k = 0; k < targets.length; k++) targets[(sent + k) % targets.length]!.send(request, dueAt);
    }
    timer = setTimeout(tick, TICK_MS);
  };
  process.on('message', (command: LoadCommand) => {
    if (command.type === 'rate') {
      clearTimeout(timer);
      started = performance.now();
      perSecond = command.perSecond;
      sent = 0;
      tick();
      return;
    }
    const mark: LoadMark = {
      type: 'mark',
      scheduled: targets.map((target) => target.scheduled),
      completed: targets.map((target) => target.completed),
      p50: targets.map((target) => percentile(target.latencies, 50)),
      p99: targets.map((target) => percentile(target.latencies, 99)),
      outstanding: targets.map((target) => target.outstanding()),
    };
    for (const target of targets) {
      target.scheduled = 0;
      target.completed = 0;
      target.latencies = [];
    }
    process.send?.(mark);
  });
  process.once('disconnect', () => {
    closing = true;
    clearTimeout(timer);
    for (const target of targets) for (const connection of target.connections) connection.close();
  });
  process.send?.({ type: 'ready' });
}

if (require.main === module) {
  generatorProcess(JSON.parse(process.argv[2] ?? '[]') as number[], Number(process.argv[3])).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
