// Name search over UDP as libca does it: each datagram a VERSION with its sequence number and as
// many SEARCH requests as fit in 1024 bytes (MAX_UDP_SEND), a bounded number of names in flight,
// and the unanswered ones sent again when replies stop coming.

import * as dgram from 'node:dgram';
import { writeDatagramVersionRequest, writeSearchRequest } from '../src/ca/protocol/client-requests';
import { Command } from '../src/ca/protocol/constants';
import { MessageFramer } from '../src/ca/protocol/framer';
import { MessageWriter } from '../src/ca/protocol/writer';
import { numberToIpv4 } from '../src/net/addresses';

const MAX_UDP_SEND = 1024;
/** Names searched for but not yet answered; keeps a burst within the server's socket buffer. */
const NAMES_IN_FLIGHT = 1000;
/** Quiet time after which the unanswered names are searched for again. */
const RETRY_MS = 50;

export interface SearchTarget {
  host: string;
  port: number;
}

/** Where a name is served: the address to open a circuit to. */
export type FoundHandler = (index: number, host: string, tcpPort: number) => void;

/**
 * Searches for every name; `onFound` hears of each once, by its index in `names`. Resolves
 * with the number of names that had to be searched for again (lost datagrams) when all are
 * found; rejects after `timeoutMs`.
 */
export function searchNames(target: SearchTarget, names: readonly string[], onFound: FoundHandler, timeoutMs = 20000): Promise<number> {
  const socket = dgram.createSocket('udp4');
  const found = new Uint8Array(names.length);
  const queue: number[] = names.map((_, index) => index);
  let queueHead = 0;
  let inFlight = new Set<number>();
  let remaining = names.length;
  let sequence = 0;
  let heardSinceRetry = false;
  let searchedAgain = 0;

  const sendMore = () => {
    while (queueHead < queue.length && inFlight.size < NAMES_IN_FLIGHT) {
      const writer = new MessageWriter(MAX_UDP_SEND);
      writeDatagramVersionRequest(writer, ++sequence);
      while (queueHead < queue.length && inFlight.size < NAMES_IN_FLIGHT) {
        const index = queue[queueHead]!;
        if (found[index]) {
          queueHead++;
          continue;
        }
        const before = writer.size;
        writeSearchRequest(writer, names[index]!, index);
        if (writer.size > MAX_UDP_SEND) {
          // Over the limit: the datagram ends before this name, which starts the next one.
          socket.send(writer.take()!.subarray(0, before), target.port, target.host);
          break;
        }
        queueHead++;
        inFlight.add(index);
      }
      const datagram = writer.take();
      if (datagram && datagram.length > 16) socket.send(datagram, target.port, target.host);
    }
  };

  return new Promise<number>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearInterval(retry);
      clearTimeout(deadline);
      socket.close();
      if (error) reject(error);
      else resolve(searchedAgain);
    };
    const retry = setInterval(() => {
      if (!heardSinceRetry && inFlight.size > 0) {
        searchedAgain += inFlight.size;
        queue.push(...inFlight);
        inFlight = new Set();
        sendMore();
      }
      heardSinceRetry = false;
    }, RETRY_MS);
    const deadline = setTimeout(() => finish(new Error(`${remaining} of ${names.length} names not found within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => finish(error));
    socket.on('message', (datagram, peer) => {
      heardSinceRetry = true;
      const framer = new MessageFramer();
      framer.push(datagram);
      const header = framer.header;
      while (framer.next()) {
        if (header.command !== Command.SEARCH) continue;
        const index = header.parameter2;
        if (index >= names.length || found[index]) continue;
        found[index] = 1;
        inFlight.delete(index);
        remaining--;
        // 0xFFFFFFFF (and 0 from old servers) mean "the address this reply came from".
        const address = header.parameter1 === 0xffffffff || header.parameter1 === 0 ? peer.address : numberToIpv4(header.parameter1);
        onFound(index, address, header.dataType);
      }
      if (remaining === 0) finish();
      else sendMore();
    });
    socket.bind(0, '0.0.0.0', () => {
      socket.setRecvBufferSize(4 * 1024 * 1024);
      sendMore();
    });
  });
}
