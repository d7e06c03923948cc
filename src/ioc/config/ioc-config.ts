import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CA_LIMITS, type CaLimits } from '../../ca/server/limits';
import { checkSuspectWindow } from '../../tracing/suspects';
import { arrayOf, boolean, number, object, oneOf, string, type Check } from './schema-check';

export const KEY_TYPES = ['lineno', 'filename', 'traceback', 'package'] as const;
export const TRACE_MODES = ['live', 'allocated'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface DatabaseEntry {
  /** A .db file, relative to the configuration file. */
  file: string;
  /** softIoc -m style: "P=X:,R=Y:". */
  macros: string;
}

export interface GroupConfig {
  enabled: boolean;
  /** Extra macros for the group's .db file (P is the prefix). */
  macros: string;
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
    /** What a client may make the server hold, and when a silent one is probed and closed. */
    limits: CaLimits;
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
    maxPayloadSize: number;
  };
  tracing: {
    enabled: boolean;
    samplingInterval: number;
    period: number;
    count: number;
    keyType: (typeof KEY_TYPES)[number];
    cumulative: boolean;
    mode: (typeof TRACE_MODES)[number];
    /** TraceDump writes here and nowhere else. */
    dumpDirectory: string;
    /**
     * Turn V8's inlining off (--no-turbo-inlining, --no-maglev-inlining) at start, so allocations
     * are credited to the function that makes them, not to the one it was inlined into; hot code
     * gets slower (see README: Inlining).
     */
    exactFrames: boolean;
    /** Leak suspects: the last `snapshots` kept; a suspect grew in `grewIn` of the last `periods`. */
    suspects: { snapshots: number; periods: number; grewIn: number };
  };
  status: { period: number };
  /** EPICS access security: no file, everyone may read and write every PV (as an IOC without asSetFilename). */
  accessSecurity: {
    /** An .acf file, relative to the configuration file. */
    file?: string;
    /** softIoc -m style substitutions for the file, "P=X:,R=Y:". */
    macros: string;
    /** HAG entries match the client's IP address, not the host name it sends (rsrv's asCheckClientIP=1). */
    useClientIpAddress: boolean;
  };
  logging: { level: (typeof LOG_LEVELS)[number]; pretty: boolean };
  /** Where the CA server runs: a worker keeps answering while the host's event loop is blocked. */
  thread: 'worker' | 'main';
}

export const DEFAULT_CONFIG: IocConfig = {
  prefix: 'MEMTRACE:',
  databases: [],
  groups: { memoryTracing: { enabled: true, macros: '' }, iocStats: { enabled: true, macros: '' } },
  ca: { limits: DEFAULT_CA_LIMITS },
  protocols: { ca: true, pva: true },
  pva: { maxPayloadSize: 64 * 1024 * 1024 },
  tracing: {
    enabled: false,
    samplingInterval: 65536,
    period: 10,
    count: 10,
    keyType: 'lineno',
    cumulative: false,
    mode: 'live',
    dumpDirectory: 'dumps',
    exactFrames: false,
    suspects: { snapshots: 12, periods: 6, grewIn: 5 },
  },
  status: { period: 1 },
  accessSecurity: { macros: '', useClientIpAddress: false },
  logging: { level: 'info', pretty: false },
  thread: 'worker',
};

const port = () => number(1, 65535, { integer: true });
const group = object({ enabled: boolean(), macros: string() });

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
    limits: object({
      maxCircuits: number(1, 1_000_000, { integer: true }),
      maxChannelsPerCircuit: number(1, 10_000_000, { integer: true }),
      maxSubscriptionsPerCircuit: number(1, 10_000_000, { integer: true }),
      maxPayloadSize: number(16 * 1024, 2 ** 31, { integer: true }),
      inactivity: number(0.1, 86400),
      echoTimeout: number(0.1, 3600),
    }),
  }),
  protocols: object({ ca: boolean(), pva: boolean() }),
  pva: object({
    serverPort: port(),
    broadcastPort: port(),
    interfaces: arrayOf(string({ nonEmpty: true })),
    beaconAddresses: arrayOf(string({ nonEmpty: true })),
    autoBeaconAddresses: boolean(),
    ignoreAddresses: arrayOf(string({ nonEmpty: true })),
    maxPayloadSize: number(16 * 1024, 2 ** 31, { integer: true }),
  }),
  tracing: object({
    enabled: boolean(),
    samplingInterval: number(1, 2 ** 30, { integer: true }),
    period: number(0.1, 86400),
    count: number(1, 1000, { integer: true }),
    keyType: oneOf(KEY_TYPES),
    cumulative: boolean(),
    mode: oneOf(TRACE_MODES),
    dumpDirectory: string({ nonEmpty: true }),
    exactFrames: boolean(),
    suspects: object({
      snapshots: number(3, 1000, { integer: true }),
      periods: number(1, 999, { integer: true }),
      grewIn: number(1, 999, { integer: true }),
    }),
  }),
  status: object({ period: number(0.1, 3600) }),
  accessSecurity: object({ file: string({ nonEmpty: true }), macros: string(), useClientIpAddress: boolean() }),
  logging: object({ level: oneOf(LOG_LEVELS), pretty: boolean() }),
  thread: oneOf(['worker', 'main'] as const),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Options as users write them: every part optional, nested parts too. */
export type IocOptions = {
  [K in Exclude<keyof IocConfig, 'groups' | 'ca' | 'tracing'>]?: IocConfig[K] extends unknown[] ? IocConfig[K] : Partial<IocConfig[K]> | IocConfig[K];
} & {
  tracing?: Partial<Omit<IocConfig['tracing'], 'suspects'>> & { suspects?: Partial<IocConfig['tracing']['suspects']> };
  groups?: { memoryTracing?: Partial<GroupConfig>; iocStats?: Partial<GroupConfig> };
  ca?: Partial<Omit<IocConfig['ca'], 'limits'>> & { limits?: Partial<CaLimits> };
};

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
    ca: { ...DEFAULT_CONFIG.ca, ...checked.ca, limits: { ...DEFAULT_CONFIG.ca.limits, ...checked.ca?.limits } },
    protocols: { ...DEFAULT_CONFIG.protocols, ...checked.protocols },
    pva: { ...DEFAULT_CONFIG.pva, ...checked.pva },
    tracing: resolveTracing(checked.tracing, source),
    status: { ...DEFAULT_CONFIG.status, ...checked.status },
    accessSecurity: resolveAccessSecurity(checked.accessSecurity, baseDirectory),
    logging: { ...DEFAULT_CONFIG.logging, ...checked.logging },
    databases: (checked.databases ?? []).map((entry) => ({ file: path.resolve(baseDirectory, entry.file!), macros: entry.macros ?? '' })),
  };
  config.tracing.dumpDirectory = path.resolve(baseDirectory, config.tracing.dumpDirectory);
  return config;
}

/** The tracing settings, with the leak-suspect rules checked against each other. */
function resolveTracing(checked: IocOptions['tracing'], source: string): IocConfig['tracing'] {
  const tracing = { ...DEFAULT_CONFIG.tracing, ...checked, suspects: { ...DEFAULT_CONFIG.tracing.suspects, ...checked?.suspects } };
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
