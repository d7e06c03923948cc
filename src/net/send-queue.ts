import type { CircuitTransport } from './socket-transport';

/** Where a circuit encodes its messages, to be handed over a batch at a time. */
export interface BatchWriter {
  /** Bytes encoded since the last `take()`. */
  readonly size: number;
  take(): Buffer | undefined;
}

/** A subscription (CA) or monitor (pvAccess) that can wait in the queue for the client to catch up. */
export interface QueuedUpdate {
  /** Set while queued, so that the queue holds each at most once; cleared, the queued entry is skipped. */
  pending: boolean;
}

/**
 * The outgoing side of a circuit. While the client keeps up, updates are encoded at once, so that
 * it sees every value in order; when it does not (socket full, updates held, or a burst filled
 * this flush), an update is queued and goes out later: a CA subscription's newest value, a
 * pvAccess monitor's queued updates (up to its queueSize). A slow client thus costs
 * memory in proportion to its subscriptions, never to the update rate, and never holds up other
 * circuits.
 */
export class SendQueue<Update extends QueuedUpdate> {
  /** While set, updates only queue (CA's EVENTS_OFF); replies still go out. */
  holdUpdates = false;
  private queue: Update[] = [];
  private blockedSince: number | undefined;
  private flushScheduled = false;
  private stopped = false;
  private readonly flushNow = () => this.flush();

  constructor(
    private readonly transport: CircuitTransport,
    private readonly writer: BatchWriter,
    /** Encodes an update's newest value into the writer. */
    private readonly encode: (update: Update) => void,
    /** Bytes of updates, or of replies, encoded before the socket gets a chance to drain; bounds a burst's memory. */
    private readonly maxBatchBytes: number,
  ) {}

  get closed(): boolean {
    return this.stopped;
  }

  /** When the socket stopped taking data, while it has not taken any since. */
  get fullSince(): number | undefined {
    return this.blockedSince;
  }

  get socketFull(): boolean {
    return this.blockedSince !== undefined;
  }

  /** Enough is encoded that it should go out before more is. */
  get batchFull(): boolean {
    return this.writer.size >= this.maxBatchBytes;
  }

  /** Whether an update delivered now is encoded at once (the client keeps up), not queued. */
  get takesUpdates(): boolean {
    return !this.holdUpdates && !this.socketFull && !this.batchFull;
  }

  /** An update has something new: encoded now if the client keeps up, else queued. */
  deliver(update: Update): void {
    if (update.pending || this.stopped) return;
    if (this.takesUpdates) {
      this.encode(update);
    } else {
      update.pending = true;
      this.queue.push(update);
    }
    this.scheduleFlush();
  }

  scheduleFlush(): void {
    if (this.flushScheduled || this.stopped) return;
    this.flushScheduled = true;
    setImmediate(this.flushNow);
  }

  /** Encodes queued updates (unless the client is full or holds them) and writes one batch. */
  flush(): void {
    this.flushScheduled = false;
    if (this.stopped) return;
    if (!this.holdUpdates && !this.socketFull && this.queue.length > 0) this.encodeQueued();
    const batch = this.writer.take();
    if (batch && !this.transport.write(batch)) {
      this.blockedSince ??= Date.now();
      // Stop reading too, so that replies to requests cannot pile up while the client does not read.
      this.transport.pause();
    }
  }

  /** The socket can take more: reading resumes. Returns false when it was not full (or the queue is closed). */
  drained(): boolean {
    if (this.stopped || !this.socketFull) return false;
    this.blockedSince = undefined;
    this.transport.resume();
    return true;
  }

  /** Writes what is encoded, however full the socket, and closes the transport once it has gone out. */
  end(): void {
    const batch = this.writer.take();
    if (batch) this.transport.write(batch);
    this.transport.end();
  }

  /** Nothing more goes out; queued updates are dropped. */
  close(): void {
    this.stopped = true;
    this.queue = [];
  }

  private encodeQueued(): void {
    const queue = this.queue;
    let index = 0;
    while (index < queue.length && !this.batchFull) {
      const update = queue[index++]!;
      if (!update.pending) continue;
      update.pending = false;
      this.encode(update);
    }
    if (index < queue.length) {
      this.queue = queue.slice(index);
      this.scheduleFlush();
    } else {
      queue.length = 0;
    }
  }
}
