import { databaseOf } from './helpers';

// scanOnceQueueStatus (dbScan.c), which devIocStats reads for @scanOnceQueueUsed and
// @scanOnceQueueHiWtrMrk: the requests waiting now and the most that ever waited at once.
describe('the scanOnce queue status', () => {
  it('counts the CP requests waiting, and keeps the high-water mark once they are processed', async () => {
    const database = databaseOf('record(ai, "A") {}\nrecord(ai, "B") { field(INP, "A CP") }\nrecord(ai, "C") { field(INP, "A CP") }', { start: true });
    // The queue drains on the event loop's next check phase, which `drained` waits for.
    const drained = () => new Promise((resolve) => setImmediate(resolve));
    // At start each CP link's first monitor asks for its owner to be processed, as in an IOC.
    expect(database.scanOnceQueueStatus()).toEqual({ used: 2, maxUsed: 2 });
    await drained();
    expect(database.scanOnceQueueStatus()).toEqual({ used: 0, maxUsed: 2 });
    database.record('A', 'number').set(1);
    database.record('A', 'number').set(2);
    expect(database.scanOnceQueueStatus()).toEqual({ used: 4, maxUsed: 4 });
    await drained();
    expect(database.record('C', 'number').get()).toBe(2);
    expect(database.scanOnceQueueStatus()).toEqual({ used: 0, maxUsed: 4 });
    database.close();
  });
});
