// One CA read as a client makes it, with nothing but our own protocol core: a name search over UDP,
// then a circuit, a channel and READ_NOTIFY. The container's health check runs it against the IOC
// beside it, so that "healthy" means a client can find and read a PV, not only that a port is open.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as os from 'node:os';
import {
  writeClientNameRequest,
  writeCreateChannelRequest,
  writeDatagramVersionRequest,
  writeHostNameRequest,
  writeReadNotifyRequest,
  writeSearchRequest,
  writeVersionRequest,
} from '../ca/protocol/client-requests';
import { Command, Eca, MAX_STRING_SIZE, SearchReply } from '../ca/protocol/constants';
import { MessageFramer } from '../ca/protocol/framer';
import { MessageWriter } from '../ca/protocol/writer';

/** DBR_STS_STRING: status, severity (int16 each), then the value as a 40-byte string (db_access.h). */
const DBR_STS_STRING = 7;
const CLIENT_ID = 1;
const REQUEST_ID = 1;

export interface HealthReadOptions {
  /** Where the server is: its host, and the port it takes searches and circuits on. */
  host: string;
  port: number;
  timeoutMs: number;
}

export interface HealthReading {
  value: string;
  status: number;
  severity: number;
}

/** Reads `name` as a string with its alarm; rejects with the step that failed. */
export async function readPv(name: string, options: HealthReadOptions): Promise<HealthReading> {
  const deadline = Date.now() + options.timeoutMs;
  const tcpPort = await search(name, options, deadline);
  return read(name, options.host, tcpPort, deadline);
}

/** The TCP port the server names in its search reply. */
function search(name: string, options: HealthReadOptions, deadline: number): Promise<number> {
  const writer = new MessageWriter(256);
  writeDatagramVersionRequest(writer, 0);
  writeSearchRequest(writer, name, CLIENT_ID, SearchReply.DO_REPLY);
  const datagram = writer.take()!;
  const socket = dgram.createSocket('udp4');
  return withDeadline(
    deadline,
    `no search reply for ${name} from ${options.host}:${options.port}`,
    () => socket.close(),
    (resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (reply) => {
        const framer = new MessageFramer();
        framer.push(reply);
        while (framer.next()) {
          const { command, dataType, parameter2 } = framer.header;
          if (command === Command.SEARCH && parameter2 === CLIENT_ID) resolve(dataType);
          if (command === Command.NOT_FOUND && parameter2 === CLIENT_ID) reject(new Error(`${name}: not found by ${options.host}:${options.port}`));
        }
      });
      socket.send(datagram, options.port, options.host);
    },
  );
}

/** Opens a circuit, creates the channel and reads it once, as DBR_STS_STRING. */
function read(name: string, host: string, port: number, deadline: number): Promise<HealthReading> {
  const writer = new MessageWriter(256);
  writeVersionRequest(writer);
  writeClientNameRequest(writer, os.userInfo().username);
  writeHostNameRequest(writer, os.hostname());
  writeCreateChannelRequest(writer, name, CLIENT_ID);
  const socket = net.connect(port, host);
  return withDeadline(
    deadline,
    `no reply to a read of ${name} from ${host}:${port}`,
    () => socket.destroy(),
    (resolve, reject) => {
      const framer = new MessageFramer();
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`${host}:${port} closed the circuit`)));
      socket.on('data', (chunk: Buffer) => {
        framer.push(chunk);
        while (framer.next()) {
          const { command, parameter1, parameter2 } = framer.header;
          if (command === Command.CREATE_CHAN && parameter1 === CLIENT_ID) {
            writeReadNotifyRequest(writer, DBR_STS_STRING, 1, parameter2, REQUEST_ID);
            socket.write(writer.take()!);
          } else if (command === Command.CREATE_CH_FAIL) {
            reject(new Error(`${name}: the server refused the channel`));
          } else if (command === Command.ERROR) {
            reject(new Error(`${name}: CA error ${parameter2}`));
          } else if (command === Command.READ_NOTIFY && parameter2 === REQUEST_ID) {
            if (parameter1 !== Eca.NORMAL) return reject(new Error(`${name}: read failed with ECA status ${parameter1}`));
            resolve(decodeStsString(framer.payload()));
          }
        }
      });
      socket.write(writer.take()!);
    },
  );
}

function decodeStsString(payload: Buffer): HealthReading {
  const text = payload.subarray(4, 4 + MAX_STRING_SIZE);
  const end = text.indexOf(0);
  return { status: payload.readUInt16BE(0), severity: payload.readUInt16BE(2), value: text.toString('latin1', 0, end < 0 ? text.length : end) };
}

/** A promise that fails with `timeoutMessage` at `deadline`, and runs `cleanUp` however it ends. */
function withDeadline<T>(
  deadline: number,
  timeoutMessage: string,
  cleanUp: () => void,
  work: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(timeoutMessage)), Math.max(0, deadline - Date.now()));
    work(resolve, reject);
  }).finally(() => {
    clearTimeout(timer);
    cleanUp();
  });
}
