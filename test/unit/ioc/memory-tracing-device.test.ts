import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DbFileError } from '../../../src/database';
import { DEFAULT_CONFIG, type IocConfig } from '../../../src/ioc/config/ioc-config';
import { loadDatabase } from '../../../src/ioc/ioc-core';
import { MEMORY_TRACING_DB } from '../../../src/ioc/records-files';
import { silentLogger } from '../../../src/logger';
import { iocDatabase as preparedDatabase } from '../../helpers/ioc-devices';

/** No iocStats record is loaded here, so no stats driver runs: the drivers need no stop. */
const iocDatabase = () => preparedDatabase().database;

// DTYP "Memory tracing" at load: what a record's "@parameter" may be, where a bad one is reported,
// and the default set-up's load of memoryTracing.db beside a site's. Nothing here starts an engine.

const load = (text: string) => () => iocDatabase().loadText(text, { file: 'site.db' });

describe('the "Memory tracing" device support at load', () => {
  it('refuses an unknown parameter at its file:line:col, naming what the record type takes', () => {
    const loading = load('record(ai, "X:MEM") {\n    field(DTYP, "Memory tracing")\n    field(INP, "@traced_memory")\n}\n');
    expect(loading).toThrow(DbFileError);
    // The column of the parameter's first character, after the quote and the "@".
    expect(loading).toThrow(
      /^site\.db:3:18: X:MEM: Memory tracing: "@traced_memory" is not one of its parameters; a ai record takes @traced, @traced_peak, @duration, @self, @growth_rate, @top_suspect_rate$/,
    );
  });

  it('refuses a parameter on a record type that cannot show it, and a waveform of the wrong FTVL', () => {
    expect(load('record(longout, "X:EN") { field(DTYP, "Memory tracing") field(OUT, "@enable") }')).toThrow(
      /X:EN: Memory tracing: "@enable" needs a bo record; a longout record takes @count, @period, @sampling_interval, @external_sampling_interval$/,
    );
    expect(load('record(waveform, "X:TOP") { field(DTYP, "Memory tracing") field(INP, "@top") field(FTVL, "DOUBLE") field(NELM, 10) }')).toThrow(
      /X:TOP: Memory tracing: "@top" needs a waveform with FTVL CHAR$/,
    );
  });

  it('reads the settings in force back at init, with the ranges in force as limits', () => {
    const database = iocDatabase();
    database.loadFile(MEMORY_TRACING_DB, { macros: 'P=T:' });
    expect(database.record('T:TracePeriod', 'number').get()).toBe(DEFAULT_CONFIG.tracing.period);
    expect(database.record('T:TraceSamplingInterval', 'number').get()).toBe(DEFAULT_CONFIG.tracing.samplingInterval);
    expect(database.record('T:TraceSamplingInterval').field('DRVH')).toBe(2 ** 30);
    expect(database.record('T:TraceExternalSamplingInterval').field('DRVL')).toBe(0);
    expect(database.record('T:TraceDumpFormat', 'number').get()).toBe(0);
  });
});

describe("the default set-up beside a site's databases", () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-views-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  const config = (databases: IocConfig['databases']): IocConfig => ({ ...DEFAULT_CONFIG, prefix: 'MEMTRACE:', databases });

  it('lets -d of the shipped file replace the default load, under the default prefix too', () => {
    const { database } = loadDatabase(config([{ file: MEMORY_TRACING_DB, macros: 'P=MEMTRACE:' }]), silentLogger());
    expect(database.hasRecord('MEMTRACE:EnableTracing')).toBe(true);
  });

  it('refuses a copy under the default prefix, saying what the default set-up loaded and how to avoid it', () => {
    const copy = path.join(directory, 'myTracing.db');
    fs.copyFileSync(MEMORY_TRACING_DB, copy);
    const loading = () => loadDatabase(config([{ file: copy, macros: 'P=MEMTRACE:' }]), silentLogger());
    expect(loading).toThrow(DbFileError);
    expect(loading).toThrow(`"MEMTRACE:EnableTracing" is already defined at ${MEMORY_TRACING_DB}:`);
    expect(loading).toThrow(
      /, by the default set-up, which loads .*memoryTracing\.db with P=MEMTRACE:: load this file under another prefix \(-m P=…\), or set groups\.memoryTracing\.enabled: false/,
    );
    // As the message says: without the default set-up, the copy loads and is bound alone.
    const alone = { ...config([{ file: copy, macros: 'P=MEMTRACE:' }]), groups: { ...DEFAULT_CONFIG.groups, memoryTracing: { enabled: false, macros: '' } } };
    const status = loadDatabase(alone, silentLogger()).database.find('MEMTRACE:TraceStatus')!;
    // Bound: the driver owns its value.
    expect(status.accessRights({ user: 'u', host: 'h', address: '127.0.0.1' }).write).toBe(false);
  });
});
