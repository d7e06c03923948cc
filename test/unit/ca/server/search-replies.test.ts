import { writeDatagramVersionRequest, writeSearchRequest } from '../../../../src/ca/protocol/client-requests';
import { Command } from '../../../../src/ca/protocol/constants';
import { caSearchReplies } from '../../../../src/ca/server/search-replies';
import { MessageWriter } from '../../../../src/ca/protocol/writer';
import { ProtocolError } from '../../../../src/net/protocol-error';
import type { UdpReply } from '../../../../src/net/udp-responder';

// The search replies without a socket: how replies to several search datagrams share reply
// datagrams. The layouts are EPICS base's: rsrv's cast_server.c holds its reply while more
// requests wait, starting each reply datagram with a VERSION whose m_cid is the request's sequence
// number and m_dataType `sequenceNoIsValid` (caserverio.c cas_send_dg_msg); libca's udpiiu.cpp
// postMsg reads every message of a datagram, versionAction taking the sequence number for the
// SEARCH replies after it.

const A = { host: '127.0.0.1', port: 40001 };
const B = { host: '127.0.0.1', port: 40002 };
const TCP_PORT = 5064;
/** libca's search datagrams hold at most MAX_UDP_SEND (1024) bytes: 31 names of this length. */
const NAMES_PER_DATAGRAM = 31;

interface Reply {
  to: string;
  /** VERSION: the sequence number or undefined when not flagged valid; SEARCH: the search id. */
  messages: { command: number; id: number | undefined }[];
  size: number;
}

/** A libca search datagram of `count` names from `first` on (search ids = name numbers), with its sequence number. */
function searchDatagram(sequence: number, first: number, count: number, minorVersion = 13): Buffer {
  const writer = new MessageWriter(2048);
  writeDatagramVersionRequest(writer, sequence);
  for (let id = first; id < first + count; id++) writeSearchRequest(writer, `TEST:PV:${String(id).padStart(5, '0')}`, id);
  const datagram = Buffer.from(writer.take()!);
  // The VERSION's data_count is the client's minor version.
  datagram.writeUInt16BE(minorVersion, 6);
  return datagram;
}

function decode(reply: UdpReply): Reply {
  const messages: Reply['messages'] = [];
  for (let at = 0; at < reply.data.length; at += 16 + reply.data.readUInt16BE(at + 2)) {
    const command = reply.data.readUInt16BE(at);
    if (command === Command.VERSION) messages.push({ command, id: reply.data.readUInt16BE(at + 4) === 1 ? reply.data.readUInt32BE(at + 8) : undefined });
    else messages.push({ command, id: reply.data.readUInt32BE(at + 12) });
  }
  return { to: `${reply.to.host}:${reply.to.port}`, messages, size: reply.data.length };
}

function answerer(serves: (name: string) => boolean = () => true) {
  const sent: Reply[] = [];
  const answer = caSearchReplies({ serves, tcpPort: () => TCP_PORT });
  const send = (reply: UdpReply) => sent.push(decode(reply));
  return { sent, answer: (datagram: Buffer, peer = A) => answer.answer(datagram, peer, peer.host, send), flush: () => answer.flush(send) };
}

/** Each search id answered, with the sequence number of the VERSION that precedes it in its datagram. */
function answered(replies: Reply[]): Map<number, number | undefined> {
  const seen = new Map<number, number | undefined>();
  for (const reply of replies) {
    let sequence: number | undefined;
    expect(reply.messages[0]?.command).toBe(Command.VERSION);
    for (const message of reply.messages) {
      if (message.command === Command.VERSION) sequence = message.id;
      else seen.set(message.id!, sequence);
    }
  }
  return seen;
}

describe('CA search replies to a burst from one peer', () => {
  it('share datagrams of at most 1450 bytes, sent when full or at the flush', () => {
    const { sent, answer, flush } = answerer();
    for (let sequence = 1; sequence <= 4; sequence++) answer(searchDatagram(sequence, (sequence - 1) * NAMES_PER_DATAGRAM, NAMES_PER_DATAGRAM));
    // 124 replies of 24 bytes, each run headed by a 16-byte VERSION: 3 datagrams, where one for
    // each search datagram would take 4. The first holds V1 + 31 + V2 + 28 (1448 bytes), the
    // second V2 + 3 + V3 + 31 + V4 + 24 (1440: one more reply would pass 1450), the last V4 + 7.
    expect(sent).toHaveLength(2);
    flush();
    expect(sent).toHaveLength(3);
    expect(sent.map((reply) => reply.size)).toEqual([1448, 1440, 184]);
    expect(sent.every((reply) => reply.to === '127.0.0.1:40001')).toBe(true);
    flush();
    expect(sent).toHaveLength(3);
  });

  it('answer every search once, after a VERSION carrying the sequence number of the datagram it came in', () => {
    const { sent, answer, flush } = answerer();
    for (let sequence = 1; sequence <= 4; sequence++) answer(searchDatagram(100 + sequence, (sequence - 1) * NAMES_PER_DATAGRAM, NAMES_PER_DATAGRAM));
    flush();
    const seen = answered(sent);
    expect(seen.size).toBe(4 * NAMES_PER_DATAGRAM);
    for (const [id, sequence] of seen) expect(sequence).toBe(101 + Math.floor(id / NAMES_PER_DATAGRAM));
    const searches = sent.flatMap((reply) => reply.messages.filter((message) => message.command === Command.SEARCH));
    expect(searches).toHaveLength(4 * NAMES_PER_DATAGRAM);
  });

  it('flag no sequence number for a client older than CA 4.11, whose VERSION carries none', () => {
    const { sent, answer, flush } = answerer();
    answer(searchDatagram(7, 0, 3, 10));
    flush();
    expect(sent).toHaveLength(1);
    expect([...answered(sent).values()]).toEqual([undefined, undefined, undefined]);
  });

  it('answer only the names served, and send nothing when none is', () => {
    const { sent, answer, flush } = answerer((name) => name.endsWith('1'));
    answer(searchDatagram(1, 0, 20));
    flush();
    expect([...answered(sent).keys()]).toEqual([1, 11]);
    answer(searchDatagram(2, 2, 8));
    flush();
    expect(sent).toHaveLength(1);
  });
});

describe('CA search replies to several peers', () => {
  it('close the open reply when a datagram comes from another peer, each reply to its own peer', () => {
    const { sent, answer, flush } = answerer();
    answer(searchDatagram(1, 0, 2), A);
    expect(sent).toHaveLength(0);
    answer(searchDatagram(1, 10, 2), B);
    expect(sent.map((reply) => reply.to)).toEqual(['127.0.0.1:40001']);
    flush();
    expect(sent.map((reply) => reply.to)).toEqual(['127.0.0.1:40001', '127.0.0.1:40002']);
    expect([...answered(sent.slice(0, 1)).keys()]).toEqual([0, 1]);
    expect([...answered(sent.slice(1)).keys()]).toEqual([10, 11]);
  });
});

describe('CA search replies to a malformed datagram', () => {
  it('keep the searches before the fault answered, as rsrv does, and the replies held for earlier datagrams', () => {
    const { sent, answer, flush } = answerer();
    answer(searchDatagram(1, 0, 2));
    const good = searchDatagram(2, 2, 2);
    // A third message whose header says 40 bytes of payload, with 4 left in the datagram.
    const truncated = Buffer.concat([good, Buffer.from([0, Command.SEARCH, 0, 40, 0, 0, 0, 13, 0, 0, 0, 9, 0, 0, 0, 9, 0, 0, 0, 0])]);
    expect(() => answer(truncated)).toThrow(ProtocolError);
    flush();
    expect([...answered(sent).entries()]).toEqual([
      [0, 1],
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
  });
});
