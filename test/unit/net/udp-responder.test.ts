import * as dgram from 'node:dgram';
import { silentLogger } from '../../../src/logger';
import { UdpResponder, type SearchAnswerer } from '../../../src/net/udp-responder';
import { freePort } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';

// The responder holds the reply datagrams completed while one read burst is read and sends them
// together when it ends (libca's UDP thread then reads them in one wake-up), with a bound on how
// many it holds. An answerer of our own shows the order of answers and sends: the protocol's
// search replies are tested apart (search-replies.test.ts, ca-search-replies.test.ts).

/** Each datagram answered with `repliesPerDatagram` reply datagrams, its first byte in each. */
function echoingAnswerer(repliesPerDatagram: number, log: string[]): SearchAnswerer {
  return {
    answer(datagram, peer, _served, send) {
      log.push(`answer ${datagram[0]}`);
      for (let reply = 0; reply < repliesPerDatagram; reply++) send({ data: Buffer.from([datagram[0]!, reply]), to: peer });
    },
    flush: () => undefined,
  };
}

describe('UdpResponder', () => {
  let responder: UdpResponder | undefined;
  let client: dgram.Socket | undefined;
  let sendSpy: jest.SpyInstance | undefined;

  afterEach(async () => {
    sendSpy?.mockRestore();
    client?.close();
    await responder?.close();
    responder = undefined;
    client = undefined;
  });

  /**
   * A responder whose answerer sends `repliesPerDatagram` replies to each datagram, and ten
   * datagrams sent to it before this process's event loop reads any (so it reads all ten in one
   * wake-up): the log of its answers and of its sockets' sends, once every reply has arrived.
   */
  async function burstOfTen(repliesPerDatagram: number): Promise<string[]> {
    const log: string[] = [];
    const port = await freePort();
    responder = await UdpResponder.start({
      interfaces: ['127.0.0.1'],
      port,
      answer: echoingAnswerer(repliesPerDatagram, log),
      ignoreAddresses: [],
      maxRepliesPerSecond: 10_000,
      logger: silentLogger(),
    });
    const received: Buffer[] = [];
    const socket = dgram.createSocket('udp4');
    client = socket;
    socket.on('message', (datagram: Buffer) => received.push(datagram));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const send = Reflect.get(dgram.Socket.prototype, 'send') as (this: dgram.Socket, ...args: unknown[]) => void;
    sendSpy = jest.spyOn(dgram.Socket.prototype, 'send').mockImplementation(function (this: dgram.Socket, ...args: unknown[]) {
      if (this !== socket) log.push('send');
      send.apply(this, args);
    });
    for (let index = 1; index <= 10; index++) socket.send(Buffer.from([index]), port, '127.0.0.1');
    await waitUntil(() => received.length === 10 * repliesPerDatagram, 'every reply');
    // Every reply, in the order of the datagrams it answers.
    expect(received.map((datagram) => datagram[0])).toEqual(
      Array.from({ length: 10 * repliesPerDatagram }, (_, index) => Math.floor(index / repliesPerDatagram) + 1),
    );
    return log;
  }

  it('sends the reply datagrams of a read burst after the whole burst is answered', async () => {
    const log = await burstOfTen(1);
    const firstSend = log.indexOf('send');
    expect(log.slice(0, firstSend)).toEqual(Array.from({ length: 10 }, (_, index) => `answer ${index + 1}`));
    expect(log.slice(firstSend)).toEqual(Array(10).fill('send'));
  });

  it('sends the replies it holds once they reach its bound, before the burst ends', async () => {
    // 10 replies a datagram: the bound (64) is reached during the 7th answer.
    const log = await burstOfTen(10);
    const firstSend = log.indexOf('send');
    expect(log.slice(0, firstSend)).toEqual(Array.from({ length: 7 }, (_, index) => `answer ${index + 1}`));
    expect(log.slice(firstSend, firstSend + 64)).toEqual(Array(64).fill('send'));
    expect(log.slice(firstSend + 64, firstSend + 67)).toEqual(['answer 8', 'answer 9', 'answer 10']);
    expect(log.slice(firstSend + 67)).toEqual(Array(36).fill('send'));
  });
});
