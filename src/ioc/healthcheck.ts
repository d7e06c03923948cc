#!/usr/bin/env node
// The container's HEALTHCHECK: `node dist/ioc/healthcheck.js PV` reads PV over CA from the IOC on
// this host (or --host), and exits 0 when the read succeeds, 1 when any step fails, saying which.
import { pick, port } from '../net/environment-values';
import { DEFAULT_SERVER_PORT } from '../ca/protocol/constants';
import { readPv } from './health-read';

const USAGE = 'usage: healthcheck.js PV [--host HOST] [--timeout SECONDS]   (port: EPICS_CA_SERVER_PORT, else EPICS_CAS_SERVER_PORT, else 5064)';

function parse(argv: readonly string[]): { name: string; host: string; timeoutMs: number } | string {
  let name: string | undefined;
  let host = '127.0.0.1';
  let timeoutSeconds = 5;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '--host' && argv[i + 1]) host = argv[++i]!;
    else if (argument === '--timeout' && Number(argv[i + 1]) > 0) timeoutSeconds = Number(argv[++i]);
    else if (!argument.startsWith('-') && name === undefined) name = argument;
    else return `unexpected argument ${argument}`;
  }
  return name === undefined ? 'no PV named' : { name, host, timeoutMs: timeoutSeconds * 1000 };
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(`healthcheck: ${options}\n${USAGE}\n`);
    return 2;
  }
  const warnings: string[] = [];
  const serverPort = port(pick(process.env, 'EPICS_CA_SERVER_PORT', 'EPICS_CAS_SERVER_PORT'), DEFAULT_SERVER_PORT, warnings);
  for (const warning of warnings) process.stderr.write(`healthcheck: ${warning}\n`);
  try {
    const reading = await readPv(options.name, { host: options.host, port: serverPort, timeoutMs: options.timeoutMs });
    process.stdout.write(`${options.name} ${reading.value} (status ${reading.status}, severity ${reading.severity})\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`healthcheck: ${(error as Error).message}\n`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
