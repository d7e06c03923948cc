/**
 * A libca connect of 10 000 channels split in its two halves, to tell which server side holds it
 * back: the name searches (UDP) and the channels' creation (TCP). Each server (ours, softIoc) is
 * started fresh by db-processing's code, and warm connects of one pyepics client are timed these
 * ways, one of each in turn:
 * - `own`: the client searches the server itself, as at any site;
 * - `C search`: the client searches a CA search responder written in C here (one thread, rsrv's
 *   cast_server shape: reply datagrams packed up to 1 450 bytes, sent when the socket has nothing
 *   more to read), which knows the same names and advertises the server's TCP port. The server then
 *   only creates channels. softIoc beside it is the control: its connect should not change much
 *   when searches move from its own CAS-UDP thread to this one;
 * - `Node stub own` and `Node stub C search`: the least one Node event loop can do for a connect
 *   (NODE_STUB below: a Set of the names, nothing kept per channel), searched itself or behind the C
 *   responder: Node's floor for the whole connect and for its TCP half, to tell Node's share of a
 *   gap from ours.
 *
 * The question it answers for planning: would answering searches in native code (an addon's thread)
 * make our connects level with softIoc's? If ours with `C search` is still behind softIoc, the rest
 * is on the TCP side, and the Node stub tells how much of that Node itself costs.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out && ln -sfn "$PWD/records" "$PWD/node_modules" "$PWD/package.json" /tmp/bench-out/
 *   node /tmp/bench-out/bench/connect-split.js --cli /tmp/bench-out/src/ioc/cli.js --softioc /path/to/softIoc [--rounds 3] [--clients 10]
 *
 * Needs `cc`, `/usr/bin/python3` with pyepics, and the caRepeater beside softIoc (or
 * `--ca-repeater`). Figures: connect time and CPU per connect of the server (every thread, read by
 * the client), of the C responder and of the libca client, medians over every connect with their range.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../test/helpers/ports';
import { aoDatabase, libcaConnect, ours, softIoc, startServer, useCaRepeater, type Server, type ServerKind } from './db-processing';
import { loadAverage, machine, medianRange } from './figures';
import { searchNames } from './ca-search';
import { compile } from './search-datagram-cost';

const CHANNELS = 10_000;

/**
 * responder UDP_PORT TCP_PORT NAMES_FILE: answers the CA SEARCHes (after a VERSION, whose sequence
 * number it echoes as rsrv does) for the names of NAMES_FILE, one a line, with the server address
 * left to the sender's and TCP_PORT as the port. Names are kept in an open-addressing hash table.
 */
const C_RESPONDER = `
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#define SLOTS (1 << 17)
#define MAX_REPLY 1450
static char *names[SLOTS];
static uint32_t hashOf(const char *text, size_t length) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < length; i++) hash = (hash ^ (unsigned char)text[i]) * 16777619u;
  return hash;
}
static void add(const char *name) {
  uint32_t slot = hashOf(name, strlen(name)) & (SLOTS - 1);
  while (names[slot]) slot = (slot + 1) & (SLOTS - 1);
  names[slot] = strdup(name);
}
static int served(const char *name, size_t length) {
  for (uint32_t slot = hashOf(name, length) & (SLOTS - 1); names[slot]; slot = (slot + 1) & (SLOTS - 1))
    if (strlen(names[slot]) == length && memcmp(names[slot], name, length) == 0) return 1;
  return 0;
}
static unsigned get16(const unsigned char *at) { return at[0] << 8 | at[1]; }
static uint32_t get32(const unsigned char *at) { return (uint32_t)at[0] << 24 | at[1] << 16 | at[2] << 8 | at[3]; }
static void put16(unsigned char *at, unsigned value) { at[0] = value >> 8; at[1] = value; }
static void put32(unsigned char *at, uint32_t value) { at[0] = value >> 24; at[1] = value >> 16; at[2] = value >> 8; at[3] = value; }
int main(int argc, char **argv) {
  if (argc != 4) return 2;
  unsigned tcpPort = atoi(argv[2]);
  FILE *file = fopen(argv[3], "r");
  char line[256];
  while (file && fgets(line, sizeof line, file)) { line[strcspn(line, "\\n")] = 0; if (*line) add(line); }
  int s = socket(AF_INET, SOCK_DGRAM, 0), yes = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  struct sockaddr_in at = {0};
  at.sin_family = AF_INET; at.sin_port = htons(atoi(argv[1])); at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&at, sizeof at)) { perror("bind"); return 1; }
  unsigned char in[16384], out[MAX_REPLY];
  size_t used = 0;
  struct sockaddr_in to; socklen_t toSize = sizeof to;
  for (;;) {
    struct sockaddr_in from; socklen_t fromSize = sizeof from;
    ssize_t length = recvfrom(s, in, sizeof in, 0, (struct sockaddr *)&from, &fromSize);
    if (length <= 0) continue;
    if (used && (from.sin_addr.s_addr != to.sin_addr.s_addr || from.sin_port != to.sin_port)) {
      sendto(s, out, used, 0, (struct sockaddr *)&to, toSize);
      used = 0;
    }
    to = from; toSize = fromSize;
    uint32_t sequence = 0;
    int sequenced = 0, versionDue = 1;
    for (ssize_t offset = 0; offset + 16 <= length;) {
      const unsigned char *header = in + offset;
      unsigned command = get16(header), payload = get16(header + 2);
      if (offset + 16 + (ssize_t)payload > length) break;
      if (command == 0) {
        sequenced = get16(header + 6) >= 11; sequence = get32(header + 8); versionDue = 1;
      } else if (command == 6 && served((const char *)header + 16, strnlen((const char *)header + 16, payload))) {
        if (used + 24 + (versionDue ? 16 : 0) > MAX_REPLY) { sendto(s, out, used, 0, (struct sockaddr *)&to, toSize); used = 0; versionDue = 1; }
        if (versionDue) {
          memset(out + used, 0, 16);
          put16(out + used + 4, sequenced); put16(out + used + 6, 13); put32(out + used + 8, sequenced ? sequence : 0);
          used += 16; versionDue = 0;
        }
        memset(out + used, 0, 24);
        put16(out + used, 6); put16(out + used + 2, 8); put16(out + used + 4, tcpPort);
        put32(out + used + 8, 0xffffffffu); put32(out + used + 12, get32(header + 8)); put16(out + used + 16, 13);
        used += 24;
      }
      offset += 16 + payload;
    }
    int waiting = 0;
    ioctl(s, FIONREAD, &waiting);
    if (!waiting && used) { sendto(s, out, used, 0, (struct sockaddr *)&to, toSize); used = 0; }
  }
}`;

/**
 * CPU seconds the C responder has used, to the ns. `/proc/<pid>/schedstat` counts the process's
 * first thread alone, which is all of the responder: it has one.
 */
function responderCpuSeconds(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
}

interface Sample {
  connect: number;
  server: number;
  responder: number;
  client: number;
}

/** Figures of `kind` and `way`, over every round. */
type Samples = Map<string, Sample[]>;

interface Responder {
  readonly child: ChildProcess;
  readonly port: number;
}

/** The C responder for `server`'s names, answering on a port of its own; up once it answers a search. */
async function startResponder(binary: string, namesFile: string, server: Server): Promise<Responder> {
  const port = await freePort();
  const child = spawn(binary, [String(port), String(server.port), namesFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await searchNames({ host: '127.0.0.1', port }, ['BENCH:AO:0'], () => undefined, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, port };
}

/** A client whose searches go to UDP `port` (a responder's, the stub's); its channels are still created on the server's TCP port. */
function searchingAt(server: Server, port: number): Server {
  return { ...server, env: { ...server.env, EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_CA_SERVER_PORT: String(port) } };
}

/**
 * The least one Node event loop does for a CA connect, for Node's floor: argv TCP_PORT UDP_PORT
 * NAMES. Searches on UDP_PORT are answered for BENCH:AO:0…NAMES−1 (a Set of the names), the
 * replies packed up to 1 450 B and sent when the read burst ends, as ours are. On TCP_PORT: a
 * VERSION on accept, then for each CREATE_CHAN an ACCESS_RIGHTS and a CREATE_CHAN reply (a
 * DBR_DOUBLE of one element), a READ_NOTIFY answered with 0 (the bench's client gets each channel
 * once connected), an ECHO answered; nothing kept, one write per chunk read.
 */
const NODE_STUB = `
const net = require('node:net');
const dgram = require('node:dgram');
const [tcpPort, udpPort, count] = process.argv.slice(1).map(Number);
let serverId = 0;
const server = net.createServer({ noDelay: true }, (socket) => {
  let rest = Buffer.alloc(0);
  const version = Buffer.alloc(16);
  version.writeUInt16BE(13, 6);
  socket.write(version);
  socket.on('error', () => undefined);
  socket.on('data', (chunk) => {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const out = Buffer.alloc(data.length * 2 + 16);
    let used = 0, at = 0;
    while (at + 16 <= data.length && at + 16 + data.readUInt16BE(at + 2) <= data.length) {
      const command = data.readUInt16BE(at);
      if (command === 18) {
        const clientId = data.readUInt32BE(at + 8);
        out.writeUInt16BE(22, used); out.writeUInt32BE(clientId, used + 8); out.writeUInt32BE(3, used + 12);
        out.writeUInt16BE(18, used + 16); out.writeUInt16BE(6, used + 20); out.writeUInt16BE(1, used + 22);
        out.writeUInt32BE(clientId, used + 24); out.writeUInt32BE(++serverId, used + 28);
        used += 32;
      } else if (command === 15) {
        out.writeUInt16BE(15, used); out.writeUInt16BE(8, used + 2); out.writeUInt16BE(6, used + 4); out.writeUInt16BE(1, used + 6);
        out.writeUInt32BE(1, used + 8); out.writeUInt32BE(data.readUInt32BE(at + 12), used + 12);
        used += 24;
      } else if (command === 23) {
        out.writeUInt16BE(23, used);
        used += 16;
      }
      at += 16 + data.readUInt16BE(at + 2);
    }
    rest = data.subarray(at);
    if (used) socket.write(out.subarray(0, used));
  });
});
const names = new Set(Array.from({ length: count }, (_, index) => 'BENCH:AO:' + index));
const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
let reply = Buffer.alloc(1500), used = 0, peer, held = [], burstEnd;
const close = () => {
  if (used) held.push([reply.subarray(0, used), peer]);
  if (used) reply = Buffer.alloc(1500);
  used = 0;
};
const endBurst = () => {
  burstEnd = undefined;
  close();
  for (const [data, to] of held) udp.send(data, to.port, to.address);
  held = [];
};
udp.on('message', (data, from) => {
  if (peer && (peer.port !== from.port || peer.address !== from.address)) close();
  peer = from;
  burstEnd ??= setImmediate(endBurst);
  let sequence = 0, sequenced = 0, versionDue = true;
  for (let at = 0; at + 16 <= data.length; at += 16 + data.readUInt16BE(at + 2)) {
    const command = data.readUInt16BE(at), payload = data.readUInt16BE(at + 2);
    if (command === 0) {
      sequenced = data.readUInt16BE(at + 6) >= 11 ? 1 : 0;
      sequence = data.readUInt32BE(at + 8);
      versionDue = true;
    } else if (command === 6) {
      const nul = data.indexOf(0, at + 16);
      const name = data.toString('latin1', at + 16, nul < 0 || nul > at + 16 + payload ? at + 16 + payload : nul);
      if (!names.has(name)) continue;
      if (used + 24 + (versionDue ? 16 : 0) > 1450) { close(); versionDue = true; }
      if (versionDue) {
        reply.fill(0, used, used + 16);
        reply.writeUInt16BE(sequenced, used + 4); reply.writeUInt16BE(13, used + 6); reply.writeUInt32BE(sequenced ? sequence : 0, used + 8);
        used += 16;
        versionDue = false;
      }
      reply.fill(0, used, used + 24);
      reply.writeUInt16BE(6, used); reply.writeUInt16BE(8, used + 2); reply.writeUInt16BE(tcpPort, used + 4);
      reply.writeUInt32BE(0xffffffff, used + 8); reply.writeUInt32BE(data.readUInt32BE(at + 8), used + 12); reply.writeUInt16BE(13, used + 16);
      used += 24;
    }
  }
});
server.listen(tcpPort, '127.0.0.1', () => udp.bind(udpPort, '127.0.0.1', () => process.stdout.write('listening\\n')));
`;

/** The Node stub on ports of its own; a client of it gets `beside`'s environment (its CA repeater). */
async function startNodeStub(beside: Server): Promise<Server & { searchPort: number }> {
  const port = await freePort();
  const searchPort = await freePort();
  const child = spawn(process.execPath, ['-e', NODE_STUB, String(port), String(searchPort), String(CHANNELS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the Node stub exited (${code})`)));
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { child, port, searchPort, env: beside.env };
}

interface Way {
  key: string;
  client: Server;
  responder: Responder;
}

/**
 * One fresh server of `kind`: clients in turn each way, the first of each way left out (it warms
 * the server and its page tables). With `stub`, the Node stub, searched itself and behind a C
 * responder of its own, makes two more ways.
 */
async function round(kind: ServerKind, stub: boolean, responderBinary: string, namesFile: string, clients: number, samples: Samples): Promise<void> {
  const label = kind.label.split(' ')[0]!;
  const started: { kill(signal: NodeJS.Signals): unknown }[] = [];
  const server = await startServer(kind, aoDatabase(CHANNELS), 'BENCH:AO:0');
  try {
    const responder = await startResponder(responderBinary, namesFile, server);
    started.push(responder.child);
    const ways: Way[] = [
      { key: `${label} own`, client: server, responder },
      { key: `${label} C search`, client: searchingAt(server, responder.port), responder },
    ];
    if (stub) {
      const nodeStub = await startNodeStub(server);
      started.push(nodeStub.child);
      const stubResponder = await startResponder(responderBinary, namesFile, nodeStub);
      started.push(stubResponder.child);
      ways.push(
        { key: 'Node stub own', client: searchingAt(nodeStub, nodeStub.searchPort), responder: stubResponder },
        { key: 'Node stub C search', client: searchingAt(nodeStub, stubResponder.port), responder: stubResponder },
      );
    }
    for (const way of ways) await libcaConnect(way.client, CHANNELS);
    for (let index = 0; index < clients; index++) {
      for (const way of ways) {
        const responderBefore = responderCpuSeconds(way.responder.child.pid!);
        const figures = await libcaConnect(way.client, CHANNELS);
        const list = samples.get(way.key) ?? [];
        list.push({
          connect: figures.connectSeconds,
          server: figures.serverConnectCpuSeconds,
          responder: responderCpuSeconds(way.responder.child.pid!) - responderBefore,
          client: figures.clientCpuSeconds,
        });
        samples.set(way.key, list);
      }
    }
  } finally {
    for (const child of started) child.kill('SIGKILL');
    server.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cli: { type: 'string', default: path.resolve('dist/ioc/cli.js') },
      softioc: { type: 'string' },
      'ca-repeater': { type: 'string' },
      rounds: { type: 'string', default: '3' },
      clients: { type: 'string', default: '10' },
    },
  });
  if (!values.softioc) throw new Error('--softioc /path/to/softIoc is needed: softIoc is the reference and the control');
  useCaRepeater(values['ca-repeater'] ?? path.join(path.dirname(values.softioc), 'caRepeater'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'connect-split-'));
  try {
    const responder = compile(dir, 'responder', C_RESPONDER);
    const namesFile = path.join(dir, 'names.txt');
    writeFileSync(namesFile, Array.from({ length: CHANNELS }, (_, index) => `BENCH:AO:${index}\n`).join(''));
    console.log(`${machine()}; load ${loadAverage()}; ${values.rounds} rounds of ${values.clients} warm connects of ${CHANNELS} channels each way`);
    const samples: Samples = new Map();
    // Interleaved rounds, so that a change in the machine's load shows in both servers.
    for (let index = 0; index < Number(values.rounds); index++) {
      await round(ours(values.cli, []), true, responder, namesFile, Number(values.clients), samples);
      await round(softIoc(values.softioc), false, responder, namesFile, Number(values.clients), samples);
    }
    const ms = (list: Sample[], pick: (sample: Sample) => number) =>
      medianRange(
        list.map((sample) => pick(sample) * 1000),
        1,
      );
    for (const [key, list] of samples) {
      console.log(
        `${key.padEnd(22)} connect ${ms(list, (s) => s.connect)} ms; CPU server ${ms(list, (s) => s.server)}, C responder ${ms(list, (s) => s.responder)}, libca client ${ms(list, (s) => s.client)} ms (n ${list.length})`,
      );
    }
    console.log(`load ${loadAverage()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
