import { IoScanSource } from '../../../src/database';
import { databaseOf, pvOf, valueOf } from './helpers';

// The scans of dbScan.c: I/O Intr (scanIoRequest on the source device support gives through
// get_ioint_info), Event with EVNT (post_event; named events, and numbers 1…255 — dbScan.c
// eventNameToHandle), and PHAS ordering within one scan list (dbScan.c addToList).

/** A database whose records O1…O3 each append their name to TRACE (a stringout) when processed. */
function ordered(scan: string, phases: number[], extra = '') {
  const records = phases
    .map(
      (phase, i) => `record(calc, "O${i + 1}") { field(SCAN, "${scan}") field(PHAS, ${phase}) ${extra} field(FLNK, "T${i + 1}") }
       record(stringout, "T${i + 1}") { field(VAL, "O${i + 1}") field(OUT, "TRACE PP") }`,
    )
    .join('\n');
  const database = databaseOf(`${records}\nrecord(waveform, "TRACE") { field(FTVL, STRING) field(NELM, 1) }`, { start: true });
  const order: string[] = [];
  pvOf(database, 'TRACE').subscribe(() => order.push(String(valueOf(pvOf(database, 'TRACE')))));
  return { database, order };
}

describe('I/O Intr', () => {
  it("processes the records attached to a source, in PHAS order, at each of the owner's requests", () => {
    const { database, order } = ordered('I/O Intr', [2, 0, 1]);
    const source = new IoScanSource();
    for (const name of ['O1', 'O2', 'O3']) database.record(name).attachIoScan(source);
    expect(source.request()).toBe(true);
    expect(order).toEqual(['O2', 'O3', 'O1']);
    database.close();
  });

  it('ignores requests for records whose SCAN is not I/O Intr, and after the database closed', () => {
    const { database, order } = ordered('Passive', [0]);
    const source = new IoScanSource();
    database.record('O1').attachIoScan(source);
    expect(source.request()).toBe(false);
    database.record('O1').setField('SCAN', 'I/O Intr');
    expect(source.request()).toBe(true);
    database.close();
    expect(source.request()).toBe(false);
    expect(order).toEqual(['O1']);
  });
});

describe('Event', () => {
  it('processes the records of a named event in PHAS order, and only those', () => {
    const { database, order } = ordered('Event', [1, 0, 2], 'field(EVNT, "beam")');
    database.record('O3').setField('EVNT', 'other');
    database.postEvent('beam');
    expect(order).toEqual(['O2', 'O1']);
    database.close();
  });

  it('matches numbered events however the number is written', () => {
    const { database, order } = ordered('Event', [0], 'field(EVNT, "3.0")');
    database.postEvent(3);
    database.postEvent('03');
    database.postEvent(4);
    expect(order).toEqual(['O1', 'O1']);
    database.close();
  });
});
