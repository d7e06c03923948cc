/**
 * What a search datagram costs a server, apart from any libca client's threads: a C client sends
 * windows of 32 datagrams on loopback and waits for every reply before the next window, as libca's
 * search timer does when a window is answered, and times whole passes. Four servers, one at a time:
 * - `C echo` and `Node echo`: a datagram of 1 008 bytes (a libca search datagram's size) answered
 *   by one of 1 024 (rsrv's MAX_UDP_SEND) from a server that does nothing else: the floor under
 *   every search datagram, in C and in Node's dgram (a 'message' listener, a send with a callback,
 *   as our UDP responder sends);
 * - `memtrace-ioc` and `softIoc`: real CA search datagrams, a VERSION and 31 SEARCHes of the
 *   servers' 10 000 `ao` records each (exactly 1 008 bytes, as libca packs them), a window complete
 *   when all its names are answered; each server started fresh by db-processing's code, CA only.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out && ln -sfn "$PWD/records" "$PWD/node_modules" "$PWD/package.json" /tmp/bench-out/
 *   node /tmp/bench-out/bench/search-datagram-cost.js --cli /tmp/bench-out/src/ioc/cli.js --softioc /path/to/softIoc [--passes 7] [--rounds 2]
 *
 * `--cli` may be given more than once (builds before and after a change, "ours #1", "ours #2"…).
 *
 * The C programs are compiled here with `cc`. The figure is a pass's wall time per datagram sent;
 * the first pass of each server warms it (Node's JIT, the sockets' buffers) and is left out.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeDatagramVersionRequest, writeSearchRequest } from '../src/ca/protocol/client-requests';
import { MessageWriter } from '../src/ca/protocol/writer';
import { freePort } from '../test/helpers/ports';
import { aoDatabase, ours, softIoc, startServer, type ServerKind } from './db-processing';
import { loadAverage, machine, medianRange } from './figures';

const RECORDS = 10_000;
const WINDOW = 32;
/** libca's MAX_UDP_SEND holds a VERSION and 31 SEARCHes of names up to 15 characters. */
const NAMES_PER_DATAGRAM = 31;
const DATAGRAM_SIZE = 1008;

const C_ECHO = `
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in at = {0};
  at.sin_family = AF_INET; at.sin_port = htons(atoi(argv[1])); at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&at, sizeof at)) return 1;
  char request[2048], reply[1024];
  memset(reply, 1, sizeof reply);
  for (;;) {
    struct sockaddr_in peer; socklen_t size = sizeof peer;
    if (recvfrom(s, request, sizeof request, 0, (struct sockaddr *)&peer, &size) >= 0)
      sendto(s, reply, sizeof reply, 0, (struct sockaddr *)&peer, size);
  }
}`;

/**
 * client PORT WINDOW DATAGRAMS PASSES FILE [NAMES]: sends the FILE's datagrams (1008 bytes each) in
 * turn. Without NAMES a window is answered by one reply datagram per datagram sent (the echoes);
 * with NAMES, by NAMES CA SEARCH replies per datagram sent, however the server packs them. Prints
 * each pass's wall time in µs per datagram sent.
 */
const C_CLIENT = `
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int searchReplies(const unsigned char *d, int n) {
  int count = 0;
  for (int at = 0; at + 16 <= n; at += 16 + ((d[at + 2] << 8) | d[at + 3])) count += ((d[at] << 8) | d[at + 1]) == 6;
  return count;
}
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_DGRAM, 0), buffer = 4 << 20;
  setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  struct timeval patience = { 5, 0 };
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET; to.sin_port = htons(atoi(argv[1])); to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int window = atoi(argv[2]), total = atoi(argv[3]), passes = atoi(argv[4]), names = argc > 6 ? atoi(argv[6]) : 0;
  FILE *file = fopen(argv[5], "rb");
  static unsigned char payload[1 << 20];
  int datagrams = (int)(fread(payload, 1, sizeof payload, file) / 1008);
  unsigned char reply[65536];
  for (int pass = 0, next = 0; pass < passes; pass++) {
    double began = now();
    for (int sent = 0; sent < total; sent += window) {
      for (int i = 0; i < window; i++, next = (next + 1) % datagrams)
        sendto(s, payload + next * 1008, 1008, 0, (struct sockaddr *)&to, sizeof to);
      for (int due = names ? names * window : window; due > 0;) {
        int n = recv(s, reply, sizeof reply, 0);
        if (n < 0) { fprintf(stderr, "replies stopped\\n"); return 1; }
        due -= names ? searchReplies(reply, n) : 1;
      }
    }
    printf("%f\\n", (now() - began) / total * 1e6);
    fflush(stdout);
  }
  return 0;
}`;

/** The Node echo: dgram, a 'message' listener, a send with a completion callback (as the UDP responder sends). */
const NODE_ECHO = `
const dgram = require('node:dgram');
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const reply = Buffer.alloc(1024, 1);
let inFlight = 0;
socket.on('message', (_request, peer) => {
  inFlight++;
  socket.send(reply, peer.port, peer.address, () => inFlight--);
});
socket.bind(Number(process.argv[2]), '127.0.0.1');
`;

/** Compiles C `source` with `cc -O2` into `dir`; returns the binary's path. */
export function compile(dir: string, name: string, source: string): string {
  const file = path.join(dir, `${name}.c`);
  writeFileSync(file, source);
  const binary = path.join(dir, name);
  execFileSync('cc', ['-O2', '-o', binary, file]);
  return binary;
}

/** Search datagrams for every record, as libca builds them; each exactly DATAGRAM_SIZE bytes. */
function searchPayload(): Buffer {
  const writer = new MessageWriter(DATAGRAM_SIZE);
  const datagrams: Buffer[] = [];
  for (let first = 0; first + NAMES_PER_DATAGRAM <= RECORDS; first += NAMES_PER_DATAGRAM) {
    writeDatagramVersionRequest(writer, datagrams.length + 1);
    for (let index = first; index < first + NAMES_PER_DATAGRAM; index++) writeSearchRequest(writer, `BENCH:AO:${index}`, index);
    const datagram = Buffer.from(writer.take()!);
    if (datagram.length !== DATAGRAM_SIZE) throw new Error(`a search datagram of ${datagram.length} bytes`);
    datagrams.push(datagram);
  }
  return Buffer.concat(datagrams);
}

interface Run {
  client: string;
  passes: number;
  datagrams: number;
}

function timePasses(run: Run, port: number, payloadFile: string, names?: number): number[] {
  const args = [String(port), String(WINDOW), String(run.datagrams), String(run.passes + 1), payloadFile];
  if (names !== undefined) args.push(String(names));
  const out = execFileSync(run.client, args, { encoding: 'utf8', timeout: 120_000 });
  return out.trim().split('\n').map(Number).slice(1);
}

async function echo(run: Run, label: string, command: string, args: string[], payloadFile: string): Promise<number[]> {
  const port = await freePort();
  const child = spawn(command, [...args, String(port)], { stdio: 'ignore' });
  try {
    // The echo is up once one window of one datagram comes back (the client gives up after 5 s).
    for (let attempt = 0; ; attempt++) {
      try {
        execFileSync(run.client, [String(port), '1', '1', '1', payloadFile], { stdio: 'ignore', timeout: 6000 });
        break;
      } catch (error) {
        if (attempt === 20 || child.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return report(label, timePasses(run, port, payloadFile));
  } finally {
    child.kill('SIGKILL');
  }
}

async function caServer(run: Run, label: string, kind: ServerKind, payloadFile: string): Promise<number[]> {
  const server = await startServer(kind, aoDatabase(RECORDS), 'BENCH:AO:0');
  try {
    return report(label, timePasses(run, server.port, payloadFile, NAMES_PER_DATAGRAM));
  } finally {
    server.dispose();
  }
}

function report(label: string, perDatagram: number[]): number[] {
  console.log(`${label.padEnd(13)} ${medianRange(perDatagram, 1)} µs per datagram`);
  return perDatagram;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cli: { type: 'string', multiple: true, default: [path.resolve('dist/ioc/cli.js')] },
      softioc: { type: 'string' },
      passes: { type: 'string', default: '7' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'search-cost-'));
  try {
    const run: Run = { client: compile(dir, 'client', C_CLIENT), passes: Number(values.passes), datagrams: 3200 };
    const cEcho = compile(dir, 'echo', C_ECHO);
    const nodeEcho = path.join(dir, 'echo.js');
    writeFileSync(nodeEcho, NODE_ECHO);
    const payloadFile = path.join(dir, 'searches.bin');
    writeFileSync(payloadFile, searchPayload());
    console.log(`${machine()}; load ${loadAverage()}; passes of ${run.datagrams} datagrams (ten libca connects of 10 000 names), windows of ${WINDOW}`);
    // Interleaved rounds, so that a change in the machine's load shows in every server.
    for (let round = 0; round < Number(values.rounds); round++) {
      await echo(run, 'C echo', cEcho, [], payloadFile);
      await echo(run, 'Node echo', process.execPath, [nodeEcho], payloadFile);
      for (const [index, cli] of values.cli.entries())
        await caServer(run, values.cli.length > 1 ? `ours #${index + 1}` : 'memtrace-ioc', ours(cli, []), payloadFile);
      if (values.softioc) await caServer(run, 'softIoc', softIoc(values.softioc), payloadFile);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
