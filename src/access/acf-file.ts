// Reading an access security file into rules, as asInitFile does: macro substitution of each
// line, the parse, and, when HAGs match client addresses, their host names resolved to IPv4
// addresses once, at load time.

import { promises as dns } from 'node:dns';
import { promises as fs } from 'node:fs';
import { AcfError, type AccessConfiguration, type AcfWarning } from './acf';
import type { LineExpander } from './acf-lexer';
import { parseAcf } from './acf-parser';
import { AccessRules } from './access-rules';

/** The IPv4 address of a host name (a dotted address is its own). */
export type HostLookup = (host: string) => Promise<string>;

export interface LoadAcfOptions {
  /** Macro substitution of each line (softIoc applies the -m macros in force where -a is given). */
  expand?: LineExpander;
  /** Make HAG entries match the client's IP address instead of the host name it sends (rsrv's asCheckClientIP=1). */
  useClientIpAddress?: boolean;
  lookup?: HostLookup;
}

export interface LoadedAcf {
  rules: AccessRules;
  warnings: readonly AcfWarning[];
}

const lookupIpv4: HostLookup = async (host) => (await dns.lookup(host, { family: 4 })).address;

/** Reads, parses and compiles an .acf; throws AcfError naming the file (and line, column) and the reason. */
export async function loadAcfFile(file: string, options: LoadAcfOptions = {}): Promise<LoadedAcf> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new AcfError({ file }, `cannot read: ${(error as Error).message}`);
  }
  const configuration = parseAcf(text, { file, expand: options.expand });
  if (!options.useClientIpAddress) return { rules: AccessRules.compile(configuration), warnings: configuration.warnings };
  const { addresses, warnings } = await resolveHosts(configuration, options.lookup ?? lookupIpv4);
  return { rules: AccessRules.compile(configuration, { by: 'address', addresses }), warnings: [...configuration.warnings, ...warnings] };
}

/** Every HAG entry's address; one that does not resolve matches no client, with a warning, as asLib does. */
async function resolveHosts(
  configuration: AccessConfiguration,
  lookup: HostLookup,
): Promise<{ addresses: Map<string, string | undefined>; warnings: AcfWarning[] }> {
  const entries = [...configuration.hags.values()].flatMap((hag) => hag.hosts.map((host) => ({ hag, host })));
  const warnings: AcfWarning[] = [];
  const resolved = await Promise.all(
    entries.map(async ({ hag, host }) => {
      try {
        return [host, await lookup(host)] as const;
      } catch (error) {
        warnings.push({
          location: hag.location,
          message: `HAG(${hag.name}): unable to resolve host '${host}' (${(error as Error).message}); it matches no client`,
        });
        return [host, undefined] as const;
      }
    }),
  );
  return { addresses: new Map(resolved), warnings };
}
