import type { DatabaseEntry, IocConfig } from './config/ioc-config';
import { SOFT_IOC_EXIT_DB } from './records-files';

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'run';
      configFile?: string;
      /** -d files with the -m macros in force where each was named, as softIoc applies them, and -x's exit record. */
      databases: DatabaseEntry[];
      /** The startup script (st.cmd), softIoc's positional argument. */
      script?: string;
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

export const USAGE = `Usage: memtrace-ioc [options] [st.cmd]

Serves this process's memory (heap tracing and process statistics) over EPICS Channel Access
and pvAccess. The standalone IOC traces its own process; to trace a Node service, embed it with
startIoc(). Takes softIoc's command line, so it can stand in where softIoc is started.

  -d FILE           load an EPICS database (.db) file; repeatable
  -m MACROS         macros for the -d and -a files that follow, e.g. "P=X:,R=Y:"; repeatable
                    (each -m replaces the macros before it)
  -a FILE           an access security file (.acf); SIGHUP or writing 1 to <prefix>READACF re-reads it
  -x PREFIX         load softIoc's exit record: processing PREFIX:exit stops the IOC, with exit
                    status 0 when its field A is 0, else 1 (caput PREFIX:exit.A 1 exits 1)
  -D FILE           softIoc's database definition file: accepted and ignored, as the record
                    types and device supports are built into memtrace-ioc (no .dbd is read)
  -S                softIoc's "no interactive shell": accepted (there is no shell)
  -s                accepted and ignored, as softIoc 7.0 does
  st.cmd            a startup script with iocsh's syntax, run after the options (options end
                    at it). Commands: epicsEnvSet, dbLoadRecords, dbLoadTemplate (substitutions
                    files), asSetFilename, asSetSubstitutions, iocInit, dbl, dbpf, dbgf,
                    iocPause, iocRun; any other is refused and the IOC does not start. As
                    softIoc, iocInit is implied at the end of a script that lacks it when -d
                    or -x loaded a file.
  --config FILE     an ioc.config.json (default: built-in defaults)
  --prefix P        the prefix of the memoryTracing and iocStats PVs (default MEMTRACE:)
  --exact-frames    turn V8's inlining off, so allocations are credited to the function
                    that makes them (slower hot code; see README: Inlining)
  --list-pvs        print the PV names that would be served, and exit
  --pretty          human-readable logs instead of JSON lines
  --version         print the version and exit
  --help            print this text and exit

What is loaded: without a startup script, records/memoryTracing.db and records/iocStats.db with
P=<prefix> (unless disabled in the configuration file), then the -d files. With a startup
script, only what -d, -x and the script load: a script says what the IOC serves, as on softIoc.

The EPICS_CAS_* and EPICS_PVAS_* environment (EPICS_CAS_SERVER_PORT, EPICS_CAS_INTF_ADDR_LIST,
...) applies where the configuration file is silent; epicsEnvSet in a startup script sets it.`;

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
  let script: string | undefined;
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
      case '-s':
        break;
      case '-x':
        databases.push({ file: SOFT_IOC_EXIT_DB, macros: `IOC=${value()}` });
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
        if (option.startsWith('-')) throw new UsageError(`unknown option ${option}`);
        // Options end at the script, as epicsGetopt stops at the first argument that is none.
        if (index < argv.length - 1) throw new UsageError(`nothing may follow the startup script ${option} (found ${argv[index + 1]})`);
        script = option;
    }
  }
  return {
    kind: 'run',
    configFile,
    databases,
    ...(script !== undefined ? { script } : {}),
    listPvs,
    pretty,
    exactFrames,
    ...(prefix !== undefined ? { prefix } : {}),
    ...(accessSecurity ? { accessSecurity } : {}),
  };
}
