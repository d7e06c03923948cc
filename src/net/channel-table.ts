/** Server ids are 32-bit on the wire in both protocols; 0 is never handed out. */
const LAST_ID = 0xffffffff;
const INITIAL_SLOTS = 8;
/** A new peak past three quarters of the slots doubles them: the counter then rarely meets a taken slot. */
const FULL = 0.75;

/**
 * A circuit's channels by server id. A client connecting to a whole IOC creates tens of thousands
 * of channels and clears them one by one at its exit: a hash `Map` rehashes as it grows and again
 * each time it shrinks. Here ids come from a per-circuit counter, as rsrv's `bucketID++`
 * (camessage.c), and each channel sits in the slot its id's low bits name, so a lookup is one
 * index and a compare. The counter passes over an id whose slot is taken (rsrv likewise passes
 * over an id still in use after its counter wraps), so holes are filled as the counter comes round
 * and nothing moves when a channel goes. The slots only double, when a new peak fills three
 * quarters of them: ids that differed in their low bits still differ in more of them, so no two
 * channels meet.
 *
 * An id is handed out again only after the counter has gone through all 2³²−1 ids, as rsrv's: a
 * client that names a channel it cleared finds no channel (and gets ECA_BADCHID), not another
 * client's or a newer one of its own.
 */
export class ChannelTable<Channel extends { readonly serverId: number }> {
  // Holes read as undefined: the slots are never filled in advance.
  private slots: (Channel | undefined)[] = new Array<Channel | undefined>(INITIAL_SLOTS);
  private count = 0;
  private nextId: number;

  /** `firstId` lets a test start near the end of the id range. */
  constructor(firstId = 1) {
    this.nextId = firstId;
  }

  get size(): number {
    return this.count;
  }

  /** The id for the channel about to be added: pass the channel to `add` before asking again. */
  freeId(): number {
    if (this.count >= this.slots.length * FULL) this.grow();
    const mask = this.slots.length - 1;
    let id = this.nextId;
    while (this.slots[id & mask] !== undefined) id = following(id);
    this.nextId = following(id);
    return id;
  }

  /** Adds a channel whose id `freeId` just gave. */
  add(channel: Channel): void {
    const slot = channel.serverId & (this.slots.length - 1);
    if (this.slots[slot] !== undefined) throw new Error(`server id ${channel.serverId}: its slot is taken (ids come from freeId)`);
    this.slots[slot] = channel;
    this.count++;
  }

  get(serverId: number): Channel | undefined {
    const channel = this.slots[serverId & (this.slots.length - 1)];
    return channel?.serverId === serverId ? channel : undefined;
  }

  delete(channel: Channel): void {
    const slot = channel.serverId & (this.slots.length - 1);
    if (this.slots[slot] !== channel) return;
    this.slots[slot] = undefined;
    this.count--;
  }

  /** Every channel, in slot order (creation order until the ids pass the number of slots). */
  *values(): IterableIterator<Channel> {
    for (const channel of this.slots) if (channel !== undefined) yield channel;
  }

  clear(): void {
    this.slots = new Array<Channel | undefined>(INITIAL_SLOTS);
    this.count = 0;
  }

  private grow(): void {
    const slots = new Array<Channel | undefined>(this.slots.length * 2);
    const mask = slots.length - 1;
    for (const channel of this.slots) if (channel !== undefined) slots[channel.serverId & mask] = channel;
    this.slots = slots;
  }
}

function following(id: number): number {
  return id === LAST_ID ? 1 : id + 1;
}
