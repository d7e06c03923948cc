import type { DatabaseEntry, IocConfig } from './config/ioc-config';

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'run';
      configFile?: string;
      /** -d files with the -m macros in force where each was named, as softIoc applies them. */
      databases: DatabaseEntry[];
      /** -a: the access security file, with the -m macros in force where it was named, as softIoc applies them. */
      accessSecurity?: Required<Pick<IocConfig['accessSecurity'], 'file' | 'macros'>>;
      listPvs: boolean;
      pretty: boolean;
      exactFrames: boolean;
      prefix?: string;
    };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: memtrace-ioc [options]

Serves this process's memory (heap tracing and process statistics) over EPICS Channel Access.
The standalone IOC traces its own process; to trace a Node service, embed it with startIoc().
Takes softIoc's database options, so it can stand in where softIoc is started.

  -d FILE           load an EPICS database (.db) file; repeatable
  -m MACROS         macros for the -d and -a files that follow, e.g. "P=X:,R=Y:"; repeatable
  -a FILE           an access security file (.acf); SIGHUP or writing 1 to <prefix>READACF re-reads it
  -D FILE           softIoc's database definition: accepted and ignored
  -S                softIoc's "no interactive shell": accepted (there is none)
  --config FILE     an ioc.config.json (default: built-in defaults)
  --prefix P        the prefix of the memoryTracing and iocStats PVs (default MEMTRACE:)
  --exact-frames    turn V8's inlining off, so allocations are credited to the function
                    that makes them (slower hot code; see README: Inlining)
  --list-pvs        print the PV names that would be served, and exit
  --pretty          human-readable logs instead of JSON lines
  --version         print the version and exit
  --help            print this text and exit

The EPICS_CAS_* environment (EPICS_CAS_SERVER_PORT, EPICS_CAS_INTF_ADDR_LIST, ...) applies
where the configuration file is silent.`;

/** Parses the command line the way softIoc reads its options, plus our long options. */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  const databases: DatabaseEntry[] = [];
  let macros = '';
  let configFile: string | undefined;
  let accessSecurity: Extract<CliCommand, { kind: 'run' }>['accessSecurity'];
  let prefix: string | undefined;
  let listPvs = false;
  let pretty = false;
  let exactFrames = false;
  for (let index = 0; index < argv.length; index++) {
    const option = argv[index]!;
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined) throw new UsageError(`${option} needs a value`);
      return next;
    };
    switch (option) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--version':
        return { kind: 'version' };
      case '-d':
        databases.push({ file: value(), macros });
        break;
      case '-m':
        macros = value();
        break;
      case '-D':
        value();
        break;
      case '-S':
        break;
      case '--config':
        configFile = value();
        break;
      case '--prefix':
        prefix = value();
        break;
      case '--list-pvs':
        listPvs = true;
        break;
      case '--pretty':
        pretty = true;
        break;
      case '--exact-frames':
        exactFrames = true;
        break;
      case '-a':
        accessSecurity = { file: value(), macros };
        break;
      default:
        throw new UsageError(`unknown option ${option}`);
    }
  }
  return {
    kind: 'run',
    configFile,
    databases,
    listPvs,
    pretty,
    exactFrames,
    ...(prefix !== undefined ? { prefix } : {}),
    ...(accessSecurity ? { accessSecurity } : {}),
  };
}
