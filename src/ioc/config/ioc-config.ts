import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerLimits } from '../../net/limits';
import { checkSuspectWindow } from '../../tracing/suspects';
import { arrayOf, boolean, number, object, oneOf, string, type Check } from './schema-check';
import { SETTING_RANGES, rangeRefusal, tracingRanges, withMin, type SettingRange } from './setting-ranges';

export const KEY_TYPES = ['lineno', 'filename', 'traceback', 'package'] as const;
export const TRACE_MODES = ['live', 'allocated'] as const;
/** The largest sampling interval, V8's or the external sampler's, in bytes: for the config file and the PVs alike. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface DatabaseEntry {
  /** A .db file, relative to the configuration file. */
  file: string;
  /** softIoc -m style: "P=X:,R=Y:". */
  macros: string;
}

/**
 * Guard rails of TraceHeapSnapshot: a snapshot whose estimated cost is over a limit is refused.
 * `force` takes it anyway; it is configuration only, no PV can set it.
 */
export interface HeapSnapshotConfig {
  maxPauseSeconds: number;
  maxExtraMemoryBytes: number;
  /** Free disk to leave in the dump directory once the file is written. */
  minFreeDiskBytes: number;
  /** The analysis process's memory limit. */
  analysisMaxMemoryBytes: number;
  /** Entries in the top retainers and the summary. */
  count: number;
  force: boolean;
}

export interface GroupConfig {
  enabled: boolean;
  /** Extra macros for the group's .db file (P is the prefix). */
  macros: string;
}

export interface TracingLimits {
  minPeriod: number;
  minSamplingInterval: number;
}

/** Everything an IOC needs to start; `ioc.config.json` and `startIoc` options both become this. */
export interface IocConfig {
  /** Prepended to the group PVs: `$(P)` in the shipped records/*.db. */
  prefix: string;
  databases: DatabaseEntry[];
  groups: { memoryTracing: GroupConfig; iocStats: GroupConfig };
  /** Where the file is silent, the EPICS_CAS_* environment applies. */
  ca: {
    serverPort?: number;
    beaconPort?: number;
    interfaces?: string[];
    beaconAddresses?: string[];
    autoBeaconAddresses?: boolean;
    ignoreAddresses?: string[];
    beaconPeriod?: number;
    /** Overrides of `limits` for CA only. */
    limits: Partial<ServerLimits>;
  };
  /** Which protocols serve the records; both by default. */
  protocols: { ca: boolean; pva: boolean };
  /** Where the file is silent, the EPICS_PVAS_* environment applies (then EPICS_PVA_*, as pvxs reads them). */
  pva: {
    serverPort?: number;
    broadcastPort?: number;
    interfaces?: string[];
    beaconAddresses?: string[];
    autoBeaconAddresses?: boolean;
    ignoreAddresses?: string[];
    /** Overrides of `limits` for pvAccess only (over EPICS_PVA_CONN_TMO for `inactivity`). */
    limits: Partial<ServerLimits>;
  };
  /**
   * What a client may make a server hold, and when a silent one is probed and closed, for both
   * protocols; what is left out takes DEFAULT_LIMITS.
   */
  limits: Partial<ServerLimits>;
  tracing: {
    enabled: boolean;
    samplingInterval: number;
    /** Mean bytes between samples of Buffer and ArrayBuffer contents; 0 samples V8's heap only. */
    externalSamplingInterval: number;
    period: number;
    count: number;
    keyType: (typeof KEY_TYPES)[number];
    cumulative: boolean;
    mode: (typeof TRACE_MODES)[number];
    /** TraceDump and TraceHeapSnapshot write here and nowhere else. */
    dumpDirectory: string;
    heapSnapshot: HeapSnapshotConfig;
    /** Lower bounds set on purpose below (or above) the declared ones: see setting-ranges.ts. */
    limits: TracingLimits;
    /**
     * Turn V8's inlining off (--no-turbo-inlining, --no-maglev-inlining) at start, so allocations
     * are credited to the function that makes them, not to the one it was inlined into; hot code
     * gets slower (see README: Inlining).
     */
    exactFrames: boolean;
    /** Leak suspects: the last `snapshots` kept; a suspect grew in `grewIn` of the last `periods`. */
    suspects: { snapshots: number; periods: number; grewIn: number };
  };
  status: { period: number; limits: { minPeriod: number } };
  /** EPICS access security: no file, everyone may read and write every PV (as an IOC without asSetFilename). */
  accessSecurity: {
    /** An .acf file, relative to the configuration file. */
    file?: string;
    /** softIoc -m style substitutions for the file, "P=X:,R=Y:". */
    macros: string;
    /** HAG entries match the client's IP address, not the host name it sends (rsrv's asCheckClientIP=1). */
    useClientIpAddress: boolean;
  };
  /** Autosave of the fields named in info(autosaveFields…) tags: off without a directory. */
  autosave: {
    /** Where the save file and its backup live, relative to the configuration file; made if missing. */
    directory?: string;
    /** The save file's name, a plain name ending in .sav; its backup is this name with "B" appended. */
    file: string;
    /** The least seconds between two saves while tagged fields change. */
    period: number;
  };
  logging: { level: (typeof LOG_LEVELS)[number]; pretty: boolean };
  /** Where the CA server runs: a worker keeps answering while the host's event loop is blocked. */
  thread: 'worker' | 'main';
  /**
   * One compacting full GC once the databases are loaded, which gives back the young generation
   * and the pages a large load grew (src/ioc/heap-compaction.ts). Unset: only where the heap is
   * the IOC's own, i.e. in its worker thread or under the memtrace-ioc command, never in a host's
   * main thread unless the host asks for it.
   */
  compactHeapAfterLoad?: boolean;
}

export const DEFAULT_CONFIG: IocConfig = {
  prefix: 'MEMTRACE:',
  databases: [],
  groups: { memoryTracing: { enabled: true, macros: '' }, iocStats: { enabled: true, macros: '' } },
  ca: { limits: {} },
  protocols: { ca: true, pva: true },
  pva: { limits: {} },
  limits: {},
  tracing: {
    enabled: false,
    samplingInterval: SETTING_RANGES.traceSamplingInterval.default,
    externalSamplingInterval: SETTING_RANGES.traceExternalSamplingInterval.default,
    period: SETTING_RANGES.tracePeriod.default,
    count: SETTING_RANGES.traceCount.default,
    keyType: 'lineno',
    cumulative: false,
    mode: 'live',
    dumpDirectory: 'dumps',
    heapSnapshot: {
      maxPauseSeconds: 2,
      maxExtraMemoryBytes: 512 * 1024 * 1024,
      minFreeDiskBytes: 1024 * 1024 * 1024,
      analysisMaxMemoryBytes: 1024 * 1024 * 1024,
      count: 10,
      force: false,
    },
    limits: { minPeriod: SETTING_RANGES.tracePeriod.min, minSamplingInterval: SETTING_RANGES.traceSamplingInterval.min },
    exactFrames: false,
    suspects: { snapshots: 12, periods: 6, grewIn: 5 },
  },
  status: { period: SETTING_RANGES.statusPeriod.default, limits: { minPeriod: SETTING_RANGES.statusPeriod.min } },
  accessSecurity: { macros: '', useClientIpAddress: false },
  autosave: { file: 'memtrace-ioc.sav', period: SETTING_RANGES.autosavePeriod.default },
  logging: { level: 'info', pretty: false },
  thread: 'worker',
};

const port = () => number(1, 65535, { integer: true });
/** What the schema alone can check: floor…max; the bound in force (min, or a limit) is checked after. */
const setting = (range: SettingRange) => number(Math.min(range.floor, range.off ?? range.floor), range.max, { integer: range.integer });
const group = object({ enabled: boolean(), macros: string() });

const limitsCheck = object({
  maxCircuits: number(1, 1_000_000, { integer: true }),
  maxChannelsPerCircuit: number(1, 10_000_000, { integer: true }),
  maxSubscriptionsPerCircuit: number(1, 10_000_000, { integer: true }),
  maxRequestsInFlight: number(1, 1_000_000, { integer: true }),
  maxQueuedBytes: number(16 * 1024, 2 ** 31, { integer: true }),
  maxPayloadSize: number(16 * 1024, 2 ** 31, { integer: true }),
  inactivity: number(0.1, 86400),
  echoTimeout: number(0.1, 3600),
  maxSearchRepliesPerSecond: number(1, 1_000_000, { integer: true }),
});

const configCheck = object({
  prefix: string(),
  databases: arrayOf(object({ file: string({ nonEmpty: true }), macros: string() })),
  groups: object({ memoryTracing: group, iocStats: group }),
  ca: object({
    serverPort: port(),
    beaconPort: port(),
    interfaces: arrayOf(string({ nonEmpty: true })),
    beaconAddresses: arrayOf(string({ nonEmpty: true })),
    autoBeaconAddresses: boolean(),
    ignoreAddresses: arrayOf(string({ nonEmpty: true })),
    beaconPeriod: number(0.1, 3600),
    limits: limitsCheck,
  }),
  protocols: object({ ca: boolean(), pva: boolean() }),
  pva: object({
    serverPort: port(),
    broadcastPort: port(),
    interfaces: arrayOf(string({ nonEmpty: true })),
    beaconAddresses: arrayOf(string({ nonEmpty: true })),
    autoBeaconAddresses: boolean(),
    ignoreAddresses: arrayOf(string({ nonEmpty: true })),
    limits: limitsCheck,
  }),
  limits: limitsCheck,
  tracing: object({
    enabled: boolean(),
    samplingInterval: setting(SETTING_RANGES.traceSamplingInterval),
    externalSamplingInterval: setting(SETTING_RANGES.traceExternalSamplingInterval),
    period: setting(SETTING_RANGES.tracePeriod),
    count: setting(SETTING_RANGES.traceCount),
    keyType: oneOf(KEY_TYPES),
    cumulative: boolean(),
    mode: oneOf(TRACE_MODES),
    dumpDirectory: string({ nonEmpty: true }),
    heapSnapshot: object({
      maxPauseSeconds: number(0, 86400),
      maxExtraMemoryBytes: number(0, 2 ** 50, { integer: true }),
      minFreeDiskBytes: number(0, 2 ** 50, { integer: true }),
      analysisMaxMemoryBytes: number(128 * 1024 * 1024, 2 ** 50, { integer: true }),
      count: number(1, 1000, { integer: true }),
      force: boolean(),
    }),
    limits: object({ minPeriod: setting(SETTING_RANGES.tracePeriod), minSamplingInterval: setting(SETTING_RANGES.traceSamplingInterval) }),
    exactFrames: boolean(),
    suspects: object({
      snapshots: number(3, 1000, { integer: true }),
      periods: number(1, 999, { integer: true }),
      grewIn: number(1, 999, { integer: true }),
    }),
  }),
  status: object({ period: setting(SETTING_RANGES.statusPeriod), limits: object({ minPeriod: setting(SETTING_RANGES.statusPeriod) }) }),
  accessSecurity: object({ file: string({ nonEmpty: true }), macros: string(), useClientIpAddress: boolean() }),
  autosave: object({ directory: string({ nonEmpty: true }), file: string({ nonEmpty: true }), period: setting(SETTING_RANGES.autosavePeriod) }),
  logging: object({ level: oneOf(LOG_LEVELS), pretty: boolean() }),
  thread: oneOf(['worker', 'main'] as const),
  compactHeapAfterLoad: boolean(),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Options as users write them: every part optional, nested parts too. */
export type IocOptions = {
  [K in Exclude<keyof IocConfig, 'groups' | 'ca' | 'pva' | 'tracing' | 'status'>]?: IocConfig[K] extends (infer E)[]
    ? Partial<E>[]
    : Partial<IocConfig[K]> | IocConfig[K];
} & {
  tracing?: Partial<Omit<IocConfig['tracing'], 'heapSnapshot' | 'limits' | 'suspects'>> & {
    heapSnapshot?: Partial<HeapSnapshotConfig>;
    limits?: Partial<TracingLimits>;
    suspects?: Partial<IocConfig['tracing']['suspects']>;
  };
  status?: Partial<Omit<IocConfig['status'], 'limits'>> & { limits?: Partial<IocConfig['status']['limits']> };
  groups?: { memoryTracing?: Partial<GroupConfig>; iocStats?: Partial<GroupConfig> };
  ca?: Partial<IocConfig['ca']>;
  pva?: Partial<IocConfig['pva']>;
};

/** The schema's objects leave every key optional; a database without its file is an error here. */
function databaseEntry(entry: Partial<DatabaseEntry>, index: number, baseDirectory: string, source: string): DatabaseEntry {
  if (entry.file === undefined) throw new ConfigError(`${source}: $.databases[${index}].file: required`);
  return { file: path.resolve(baseDirectory, entry.file), macros: entry.macros ?? '' };
}

/**
 * Validates options against the schema and fills in the defaults. Relative paths are resolved
 * against `baseDirectory`. Throws ConfigError listing every problem with its JSON path.
 */
export function resolveIocConfig(options: unknown, baseDirectory: string, source = 'config'): IocConfig {
  const errors: string[] = [];
  const checked = (configCheck as Check<IocOptions>)(options ?? {}, '$', errors);
  if (errors.length > 0 || !checked) throw new ConfigError(errors.map((error) => `${source}: ${error}`).join('\n'));
  const config: IocConfig = {
    ...DEFAULT_CONFIG,
    ...checked,
    groups: {
      memoryTracing: { ...DEFAULT_CONFIG.groups.memoryTracing, ...checked.groups?.memoryTracing },
      iocStats: { ...DEFAULT_CONFIG.groups.iocStats, ...checked.groups?.iocStats },
    },
    ca: { ...DEFAULT_CONFIG.ca, ...checked.ca },
    protocols: { ...DEFAULT_CONFIG.protocols, ...checked.protocols },
    pva: { ...DEFAULT_CONFIG.pva, ...checked.pva },
    tracing: resolveTracing(checked.tracing, source),
    status: { ...DEFAULT_CONFIG.status, ...checked.status, limits: { ...DEFAULT_CONFIG.status.limits, ...checked.status?.limits } },
    accessSecurity: resolveAccessSecurity(checked.accessSecurity, baseDirectory),
    autosave: resolveAutosave(checked.autosave, baseDirectory, source),
    logging: { ...DEFAULT_CONFIG.logging, ...checked.logging },
    databases: (checked.databases ?? []).map((entry, index) => databaseEntry(entry, index, baseDirectory, source)),
  };
  config.tracing.dumpDirectory = path.resolve(baseDirectory, config.tracing.dumpDirectory);
  const outOfRange = settingRefusals(config);
  if (outOfRange.length > 0) throw new ConfigError(outOfRange.map((error) => `${source}: ${error}`).join('\n'));
  return config;
}

/** The settings checked against the bounds in force, which `limits` may have moved. */
function settingRefusals(config: IocConfig): string[] {
  const tracing = tracingRanges(config.tracing.limits);
  const checks: [string, SettingRange, number][] = [
    ['$.tracing.period', tracing.period, config.tracing.period],
    ['$.tracing.samplingInterval', tracing.samplingInterval, config.tracing.samplingInterval],
    ['$.tracing.externalSamplingInterval', tracing.externalSamplingInterval, config.tracing.externalSamplingInterval],
    ['$.tracing.count', tracing.count, config.tracing.count],
    ['$.status.period', withMin(SETTING_RANGES.statusPeriod, config.status.limits.minPeriod), config.status.period],
  ];
  return checks.flatMap(([where, range, value]) => {
    const refusal = rangeRefusal(range, value);
    return refusal === undefined
      ? []
      : [`${where}: ${value} is refused: ${refusal} (a lower bound may be set on purpose in ${where.replace(/\.\w+$/, '.limits')})`];
  });
}

/** The tracing settings, with the leak-suspect rules checked against each other. */
function resolveTracing(checked: IocOptions['tracing'], source: string): IocConfig['tracing'] {
  const tracing = {
    ...DEFAULT_CONFIG.tracing,
    ...checked,
    heapSnapshot: { ...DEFAULT_CONFIG.tracing.heapSnapshot, ...checked?.heapSnapshot },
    limits: { ...DEFAULT_CONFIG.tracing.limits, ...checked?.limits },
    suspects: { ...DEFAULT_CONFIG.tracing.suspects, ...checked?.suspects },
  };
  try {
    checkSuspectWindow(tracing.suspects);
  } catch (error) {
    throw new ConfigError(`${source}: $.tracing.suspects: ${(error as Error).message}`);
  }
  return tracing;
}

function resolveAccessSecurity(checked: Partial<IocConfig['accessSecurity']> | undefined, baseDirectory: string): IocConfig['accessSecurity'] {
  const { file, ...rest } = { ...DEFAULT_CONFIG.accessSecurity, ...checked };
  return file === undefined ? rest : { ...rest, file: path.resolve(baseDirectory, file) };
}

/** A plain name (no directory, not hidden) ending in .sav, with room for the backup's "B" and a temporary name. */
const SAVE_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,190}\.sav$/;

function resolveAutosave(checked: Partial<IocConfig['autosave']> | undefined, baseDirectory: string, source: string): IocConfig['autosave'] {
  const { directory, ...rest } = { ...DEFAULT_CONFIG.autosave, ...checked };
  if (!SAVE_FILE_NAME.test(rest.file)) {
    throw new ConfigError(`${source}: $.autosave.file: ${JSON.stringify(rest.file)} must be a plain file name ending in .sav (letters, digits, '.', '_', '-')`);
  }
  return directory === undefined ? rest : { ...rest, directory: path.resolve(baseDirectory, directory) };
}

/** Reads and validates an ioc.config.json. */
export function loadIocConfig(file: string): IocConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  return resolveIocConfig(parsed, path.dirname(path.resolve(file)), file);
}
