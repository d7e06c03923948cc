import * as fs from 'node:fs';
import type { Session } from 'node:inspector';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { ContainedDirectory } from '../../files/contained-directory';
import { TracingError } from '../errors';
import type { ObservedThread } from '../sampler';

/** Heap figures of the observed isolate, as its inspector gives them (Runtime.getHeapUsage). */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

export interface WrittenSnapshot {
  file: string;
  bytes: number;
  /** From asking V8 to the last chunk written: the observed thread is paused for most of it. */
  durationMs: number;
}

type Post = (method: string, params: object | undefined, callback: (error: Error | null, result: unknown) => void) => void;

/**
 * The worker's session on the main thread is opened once and never disconnected, as the sampler's:
 * on Node 20, disconnecting a `connectToMainThread` session aborts the process now and then.
 */
let mainThreadSession: Session | null = null;

interface Connection {
  session: Session;
  /** Answers from another thread hold nothing open: keep this thread's loop alive while waiting. */
  remote: boolean;
  release(): void;
}

/** Whether `thread` is another isolate than the caller's: the main thread observed from a worker. */
function isRemote(thread: ObservedThread): boolean {
  return thread === 'main' && !isMainThread;
}

async function connect(thread: ObservedThread): Promise<Connection> {
  let inspector: typeof import('node:inspector');
  try {
    inspector = await import('node:inspector');
  } catch (error) {
    throw new TracingError('heap snapshots need node:inspector, which this Node build does not have', { cause: error });
  }
  if (isRemote(thread)) {
    if (!mainThreadSession) {
      const session = new inspector.Session();
      session.connectToMainThread();
      mainThreadSession = session;
    }
    return { session: mainThreadSession, remote: true, release: () => undefined };
  }
  const session = new inspector.Session();
  session.connect();
  return { session, remote: false, release: () => session.disconnect() };
}

function call<T>(connection: Connection, method: string, params?: object): Promise<T> {
  const keepAlive = connection.remote ? setInterval(() => undefined, 1 << 30) : undefined;
  return new Promise<T>((resolve, reject) => {
    (connection.session.post as Post)(method, params, (error, result) => {
      clearInterval(keepAlive);
      if (error) reject(new TracingError(`${method} failed: ${error.message}`, { cause: error }));
      else resolve(result as T);
    });
  });
}

/** The observed isolate's heap usage, for estimating what a snapshot of it will cost. */
export async function observedHeapUsage(thread: ObservedThread): Promise<HeapUsage> {
  const connection = await connect(thread);
  try {
    return await call<HeapUsage>(connection, 'Runtime.getHeapUsage');
  } finally {
    connection.release();
  }
}

/**
 * Takes a heap snapshot of the observed isolate into the new file `file`, made as a contained
 * directory makes its files (a temporary created O_EXCL | O_NOFOLLOW, linked to the name once
 * complete): a failed or cut-off snapshot leaves no file, and no symlink planted in the directory
 * can redirect it. The caller's own isolate is written by Node's v8.writeHeapSnapshot, which writes
 * as V8 serialises, without the inspector's JSON chunks passing through JavaScript (which method
 * pauses less still needs a quiet run: BENCHMARKS.md); it takes only a path, and is given one that
 * reaches the temporary file itself. Another thread's isolate can only be reached through the
 * inspector, whose chunks are written to the descriptor as they come.
 */
export async function writeHeapSnapshot(file: string, thread: ObservedThread): Promise<WrittenSnapshot> {
  const began = performance.now();
  try {
    const directory = ContainedDirectory.open(path.dirname(file), { create: false });
    const { result: bytes } = await directory.create(path.basename(file), (fd, reachedAs) =>
      isRemote(thread) ? streamFromInspector(fd, thread) : Promise.resolve(writeOwnIsolate(fd, reachedAs)),
    );
    return { file, bytes, durationMs: performance.now() - began };
  } catch (error) {
    throw error instanceof TracingError ? error : new TracingError(`cannot write the heap snapshot: ${(error as Error).message}`, { cause: error });
  }
}

/** V8's serialiser ends every snapshot with the strings array and the object: "]}". */
const SNAPSHOT_END = ']}';

function writeOwnIsolate(fd: number, reachedAs: string): number {
  v8.writeHeapSnapshot(reachedAs);
  const { size } = fs.fstatSync(fd);
  const end = Buffer.alloc(SNAPSHOT_END.length);
  fs.readSync(fd, end, 0, end.length, Math.max(0, size - end.length));
  if (end.toString() !== SNAPSHOT_END) throw new TracingError('the heap snapshot file is cut off (is the disk full?)');
  return size;
}

async function streamFromInspector(fd: number, thread: ObservedThread): Promise<number> {
  let bytes = 0;
  let writeError: Error | undefined;
  const onChunk = (message: { params: { chunk: string } }) => {
    if (writeError) return;
    try {
      bytes += fs.writeSync(fd, message.params.chunk);
    } catch (error) {
      writeError = error as Error;
    }
  };
  let connection: Connection | undefined;
  try {
    connection = await connect(thread);
    connection.session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await call(connection, 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    if (writeError) throw new TracingError(`cannot write the heap snapshot: ${writeError.message}`, { cause: writeError });
    return bytes;
  } finally {
    connection?.session.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    connection?.release();
  }
}
