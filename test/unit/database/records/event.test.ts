import { databaseOf, put, pvOf, valueOf } from '../helpers';

// event as eventRecord.c with devEventSoft (EPICS base 7.0) processes it: VAL (read through INP
// when that is a link) names the event posted on each pass; dbScan.c's event lists process the
// records whose SCAN is "Event" and EVNT names it (eventNameToHandle: names or numbers 1…255).

describe('event', () => {
  it('processes the Event records whose EVNT its VAL names, by name or by number', () => {
    const database = databaseOf(`
      record(event, "E") { field(VAL, "beam-on") }
      record(event, "N") { field(VAL, "7") }
      record(ai, "ON_NAME") { field(SCAN, "Event") field(EVNT, "beam-on") field(MDEL, -1) }
      record(ai, "ON_SEVEN") { field(SCAN, "Event") field(EVNT, "7.0") field(MDEL, -1) }`, { start: true });
    const processed: string[] = [];
    for (const name of ['ON_NAME', 'ON_SEVEN']) pvOf(database, name).subscribe(() => processed.push(name));
    put(pvOf(database, 'E.PROC'), 1);
    expect(processed).toEqual(['ON_NAME']);
    put(pvOf(database, 'N.PROC'), 1);
    expect(processed).toEqual(['ON_NAME', 'ON_SEVEN']);
    database.close();
  });

  it('reads the event name through INP, and loads a constant INP at init', () => {
    const database = databaseOf(`
      record(event, "E") { field(INP, "WHICH") }
      record(stringout, "WHICH") { field(VAL, "second") }
      record(event, "K") { field(INP, {const: "first"}) }
      record(ai, "ON_SECOND") { field(SCAN, "Event") field(EVNT, "second") field(MDEL, -1) }`, { start: true });
    expect(valueOf(pvOf(database, 'K'))).toBe('first');
    expect(valueOf(pvOf(database, 'K.UDF'))).toBe(0);
    let processed = 0;
    pvOf(database, 'ON_SECOND').subscribe(() => processed++);
    put(pvOf(database, 'E.PROC'), 1);
    expect(valueOf(pvOf(database, 'E'))).toBe('second');
    expect(processed).toBe(1);
    database.close();
  });

  it('does not process a record whose event was written but not posted: a put to VAL is not pp', () => {
    const database = databaseOf(`
      record(event, "E") {}
      record(ai, "ON_X") { field(SCAN, "Event") field(EVNT, "x") field(MDEL, -1) }`, { start: true });
    let processed = 0;
    pvOf(database, 'ON_X').subscribe(() => processed++);
    put(pvOf(database, 'E'), 'x');
    expect(processed).toBe(0);
    put(pvOf(database, 'E.PROC'), 1);
    expect(processed).toBe(1);
    database.close();
  });
});
