import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/database';
import { IOC_STATS_DB, MEMORY_TRACING_DB } from '../../../src/ioc/records-files';

// The Phoebus display must name only PVs that the shipped .db files define.

const DISPLAY = path.join(__dirname, '..', '..', '..', 'displays', 'memtrace.bob');

describe('displays/memtrace.bob', () => {
  const xml = fs.readFileSync(DISPLAY, 'utf8');
  const database = new Database();
  database.loadFile(MEMORY_TRACING_DB, { macros: 'P=D:' });
  database.loadFile(IOC_STATS_DB, { macros: 'P=D:' });

  const names = [...xml.matchAll(/<(?:pv_name|y_pv)>([^<]+)<\/(?:pv_name|y_pv)>/g)].map((match) => match[1]!.replace('$(P)', 'D:'));

  it('names PVs at all, each with the P macro', () => {
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(name).toMatch(/^D:/);
  });

  it('names only PVs the records serve', () => {
    const missing = names.filter((name) => database.find(name) === undefined);
    expect(missing).toEqual([]);
  });

  it('shows the enable button, count, period, both texts and the heap, RSS and event-loop trends', () => {
    for (const pv of ['EnableTracing', 'TraceCount', 'TracePeriod', 'TraceTopAllocations', 'TraceDiffResults', 'HEAP_USED', 'RSS', 'EVENT_LOOP_LAG']) {
      expect(names).toContain(`D:${pv}`);
    }
    expect(xml).toMatch(/<widget type="stripchart"[^>]*>[\s\S]*<y_pv>\$\(P\)HEAP_USED<\/y_pv>/);
  });

  it('is well-formed enough: every widget element closes', () => {
    const opened = (xml.match(/<widget /g) ?? []).length;
    const closed = (xml.match(/<\/widget>/g) ?? []).length;
    expect(closed).toBe(opened);
  });
});
