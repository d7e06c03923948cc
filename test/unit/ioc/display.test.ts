import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from '../../../src/database';
import type { IocStatsDrivers } from '../../../src/ioc/devices';
import { IOC_STATS_DB, MEMORY_TRACING_DB } from '../../../src/ioc/records-files';
import { iocDatabase } from '../../helpers/ioc-devices';
import { descendants, parseXml, type XmlElement } from '../../helpers/xml';
import { DISPLAY_PROPERTIES, STRUCTURES, WIDGETS } from './phoebus-widgets';

// The Phoebus displays must name only PVs that the shipped .db files define, use only what Phoebus
// 4.7 reads (see phoebus-widgets.ts), and between them show every PV of both groups.

const DISPLAYS = path.join(__dirname, '..', '..', '..', 'displays');
const PREFIX = 'D:';

function load(file: string): XmlElement {
  return parseXml(fs.readFileSync(path.join(DISPLAYS, file), 'utf8'));
}

function widgets(display: XmlElement): XmlElement[] {
  return [...descendants(display)].filter((element) => element.name === 'widget');
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((member) => member.name === name);
}

/** Every PV a display names: widgets' pv_name, traces' y_pv and write actions' pv_name. */
function pvNames(display: XmlElement): string[] {
  return [...descendants(display)]
    .filter((element) => element.name === 'pv_name' || element.name === 'y_pv')
    .map((element) => element.text.replace('$(P)', PREFIX));
}

const drivers: IocStatsDrivers[] = [];
afterAll(() => drivers.forEach((driver) => driver.stop()));

/** A database as the IOC prepares it, with the device supports its .db files name. */
function prepared(): Database {
  const loaded = iocDatabase();
  drivers.push(loaded.drivers);
  return loaded.database;
}

function groupRecords(file: string): string[] {
  const database = prepared();
  database.loadFile(file, { macros: `P=${PREFIX}` });
  return database.recordNames();
}

const files = fs.readdirSync(DISPLAYS).filter((file) => file.endsWith('.bob'));
const database = prepared();
database.loadFile(MEMORY_TRACING_DB, { macros: `P=${PREFIX}` });
database.loadFile(IOC_STATS_DB, { macros: `P=${PREFIX}` });

describe.each(files)('displays/%s', (file) => {
  const display = load(file);

  it('is a Phoebus display whose own properties Phoebus knows', () => {
    expect(display.name).toBe('display');
    for (const property of display.children) expect(DISPLAY_PROPERTIES).toContain(property.name);
    expect(child(display, 'macros')?.children.map((macro) => macro.name)).toEqual(['P']);
  });

  it('names only PVs the records serve, each with the P macro', () => {
    const names = pvNames(display);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !name.startsWith(PREFIX))).toEqual([]);
    expect(names.filter((name) => database.find(name) === undefined)).toEqual([]);
  });

  it("uses only widget types and properties that Phoebus 4.7 reads, at each type's current version", () => {
    const unknown: string[] = [];
    for (const widget of widgets(display)) {
      const type = widget.attributes.type ?? '';
      const schema = WIDGETS[type];
      if (!schema) {
        unknown.push(`widget type ${type}`);
        continue;
      }
      if (widget.attributes.version !== schema.version) unknown.push(`${type} version ${widget.attributes.version} (Phoebus 4.7: ${schema.version})`);
      for (const property of widget.children) {
        if (!schema.properties.includes(property.name)) unknown.push(`${type}.${property.name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('fills structured properties (axes, traces, actions) with members Phoebus knows', () => {
    const unknown: string[] = [];
    for (const element of descendants(display)) {
      const structure = element.name === 'action' ? (element.attributes.type ?? '') : element.name;
      const members = STRUCTURES[structure];
      if (element.name === 'action' && !members) unknown.push(`action type ${structure}`);
      if (!members) continue;
      for (const member of element.children) if (!members.includes(member.name)) unknown.push(`${structure}.${member.name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('gives every strip chart a time axis Phoebus 4.7 reads (<start>, not the legacy <time_range>)', () => {
    for (const chart of widgets(display).filter((widget) => widget.attributes.type === 'stripchart')) {
      expect(child(chart, 'time_range')).toBeUndefined();
      expect(child(chart, 'start')?.text).toMatch(/^\d+ (seconds?|minutes?|hours?|days?)$/);
      expect(child(chart, 'traces')?.children.length).toBeGreaterThan(0);
    }
  });

  it('shows the long texts in scrolling text areas, in a fixed-width font', () => {
    for (const widget of widgets(display)) {
      const pv = child(widget, 'pv_name')?.text ?? '';
      if (!/Trace(Top|Diff|Peak)\w*Allocations|TraceDiffResults/.test(pv)) continue;
      expect(widget.attributes.type).toBe('textentry');
      expect(child(widget, 'multi_line')?.text).toBe('true');
      expect(child(widget, 'format')?.text).toBe('6'); // FormatOption.STRING
    }
  });
});

describe('the displays together', () => {
  it('show every PV of both groups', () => {
    const shown = new Set(files.flatMap((file) => pvNames(load(file))));
    const records = [...groupRecords(MEMORY_TRACING_DB), ...groupRecords(IOC_STATS_DB)];
    expect(records.filter((name) => !shown.has(name))).toEqual([]);
  });

  it('plot heap, RSS, external memory, event-loop lag and GC pause over time', () => {
    const traced = files.flatMap((file) =>
      widgets(load(file))
        .filter((widget) => widget.attributes.type === 'stripchart')
        .flatMap((chart) => [...descendants(chart)].filter((element) => element.name === 'y_pv').map((element) => element.text)),
    );
    for (const pv of ['HEAP_USED', 'RSS', 'EXTERNAL_MEM', 'ARRAY_BUFFERS', 'EVENT_LOOP_LAG', 'GC_PAUSE']) expect(traced).toContain(`$(P)${pv}`);
  });
});
