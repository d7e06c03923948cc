// How the CA benchmarks count: a measurement window after a warm-up, the server's CPU time over
// it (from /proc, for a server whose pid is known), and the two request loops that keep a server
// busy on one circuit.

import { performance } from 'node:perf_hooks';
import { writeEchoRequest, writeWriteRequest } from '../src/ca/protocol/client-requests';
import { Command, Eca } from '../src/ca/protocol/constants';
import { DbrType } from '../src/ca/protocol/dbr';
import type { BenchChannel, BenchCircuit } from './ca-client';
import { processCpuSeconds } from './figures';

/** Replies in the first part of each run are not counted: the JIT and the socket buffers settle. */
const WARMUP_MS = 500;
/** How long a run may take beyond its window before the server is declared stuck. */
const STUCK_MS = 15000;

/** One run's figure, and what the server (when its pid is known) and the load generator spent on each operation. */
export interface Sample {
  value: number;
  /** Server CPU time (all threads, user + system) per operation, µs. */
  serverCpuPerOperation?: number;
  /** The load generator's own CPU time per operation, µs: whether it, not the server, was the limit. */
  clientCpuPerOperation?: number;
}

export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** µs per operation between two CPU readings in seconds, if both were taken. */
export function perOperation(readings: readonly number[], operations: number): number | undefined {
  if (readings.length < 2 || operations === 0) return undefined;
  return ((readings[1]! - readings[0]!) * 1e6) / operations;
}

/** The counted part of a run, [start, end) in performance.now() time, and the server CPU over it. */
export class Window {
  readonly start: number;
  readonly end: number;
  private readonly serverPid: number | undefined;
  private readonly serverCpu: number[] = [];
  private readonly clientCpu: number[] = [];
  private readonly endTimer: NodeJS.Timeout;

  constructor(durationMs: number, serverPid: number | undefined) {
    this.start = performance.now() + WARMUP_MS;
    this.end = this.start + durationMs;
    this.serverPid = serverPid;
    setTimeout(() => this.recordCpu(), WARMUP_MS);
    this.endTimer = setTimeout(() => this.recordCpu(), WARMUP_MS + durationMs);
  }

  private recordCpu(): void {
    if (this.clientCpu.length === 2) return;
    this.clientCpu.push(ownCpuSeconds());
    if (this.serverPid !== undefined) this.serverCpu.push(processCpuSeconds(this.serverPid));
    if (this.clientCpu.length === 2) clearTimeout(this.endTimer);
  }

  get seconds(): number {
    return (this.end - this.start) / 1000;
  }

  /** The sample for `operations` counted in this window. */
  sample(operations: number): Sample {
    // The end timer may not have fired yet when the last reply of a busy loop comes in.
    if (this.clientCpu.length === 1) this.recordCpu();
    return {
      value: operations / this.seconds,
      serverCpuPerOperation: perOperation(this.serverCpu, operations),
      clientCpuPerOperation: perOperation(this.clientCpu, operations),
    };
  }

  /** How long a loop on this window may take in all. */
  get deadlineMs(): number {
    return this.end - performance.now() + STUCK_MS;
  }
}

export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Keeps `inFlight` requests outstanding on one circuit until the window ends; counts the replies
 * within it. `send(ioid)` writes one request; its reply is the `replyCommand` message whose
 * parameter 1 is the ECA status.
 */
export function requestRate(circuit: BenchCircuit, window: Window, inFlight: number, replyCommand: number, send: (ioid: number) => void): Promise<Sample> {
  const run = new Promise<Sample>((resolve, reject) => {
    let ioid = 0;
    let outstanding = 0;
    let completed = 0;
    circuit.onReply = (header) => {
      if (header.command !== replyCommand) return;
      if (header.parameter1 !== Eca.NORMAL) reject(new Error(`request ${header.parameter2} failed with ECA status ${header.parameter1}`));
      outstanding--;
      const now = performance.now();
      if (now < window.end) {
        if (now >= window.start) completed++;
        send(++ioid);
        outstanding++;
      } else if (outstanding === 0) {
        resolve(window.sample(completed));
      }
    };
    for (; outstanding < inFlight; outstanding++) send(++ioid);
    circuit.flush();
  });
  return withDeadline(run, window.deadlineMs, 'request loop');
}

/** WRITE_NOTIFY of DBR_DOUBLE values that change every time, so that each write posts a monitor. */
export function putRequests(circuit: BenchCircuit, channel: BenchChannel): (ioid: number) => void {
  const dbr = Buffer.alloc(8);
  return (ioid) => {
    dbr.writeDoubleBE(ioid);
    writeWriteRequest(circuit.writer, DbrType.DOUBLE, 1, channel.serverId, ioid, dbr);
  };
}

/**
 * Plain WRITEs (no callback, as ca_put sends them) as fast as the server takes them: bursts of
 * `burst` writes, each followed by an ECHO whose reply shows the server has handled the burst
 * (a circuit is served in order); two bursts are outstanding so that the server never waits.
 */
export function writeBurstRate(circuit: BenchCircuit, channel: BenchChannel, window: Window, burst: number): Promise<Sample> {
  const run = new Promise<Sample>((resolve) => {
    const dbr = Buffer.alloc(8);
    let value = 0;
    let outstanding = 0;
    let completed = 0;
    const sendBurst = () => {
      for (let i = 0; i < burst; i++) {
        dbr.writeDoubleBE(++value);
        writeWriteRequest(circuit.writer, DbrType.DOUBLE, 1, channel.serverId, 0, dbr, false);
      }
      writeEchoRequest(circuit.writer);
      outstanding++;
    };
    circuit.onReply = (header) => {
      if (header.command !== Command.ECHO) return;
      outstanding--;
      const now = performance.now();
      if (now < window.end) {
        if (now >= window.start) completed += burst;
        sendBurst();
      } else if (outstanding === 0) {
        resolve(window.sample(completed));
      }
    };
    sendBurst();
    sendBurst();
    circuit.flush();
  });
  return withDeadline(run, window.deadlineMs, 'write loop');
}
