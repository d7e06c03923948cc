// Access security rules compiled for asking, as asLib computes a client's access: the rules of
// the record's group (DEFAULT for a group the file does not declare) that apply to the field's
// level, the user and the host; the most any of them grants.

import { DEFAULT_ASG, type AccessConfiguration, type AccessRule, type RuleAccess } from './acf';

/** Who asks: the names the client sent (CLIENT_NAME, HOST_NAME) and its IP address. */
export interface AccessClient {
  readonly user: string;
  readonly host: string;
  readonly address: string;
}

export interface Rights {
  read: boolean;
  write: boolean;
}

/**
 * A field's access security level, asl() in a .dbd: rules of level 0 apply only to ASL0 fields
 * (those operators change routinely, such as VAL); rules of level 1 to both.
 */
export type AccessSecurityLevel = 0 | 1;

/**
 * How HAG entries meet clients: by the host name the client sent, compared without regard to
 * case; or, as rsrv with asCheckClientIP=1, by the client's IP address, HAG names having been
 * resolved to addresses when the file was loaded (`addresses`: entry → address, or undefined
 * when it did not resolve and so matches no client).
 */
export type HostMatching = { readonly by: 'name' } | { readonly by: 'address'; readonly addresses: ReadonlyMap<string, string | undefined> };

interface CompiledRule {
  readonly level: number;
  readonly rank: number;
  /** Users of the rule's UAGs; undefined when it names none (any user). */
  readonly users: ReadonlySet<string> | undefined;
  /** Hosts (or addresses) of the rule's HAGs; undefined when it names none (any host). */
  readonly hosts: ReadonlySet<string> | undefined;
  /** A CALC condition, which is never met: its inputs are never connected. */
  readonly conditional: boolean;
}

const RANK: Readonly<{ [access in RuleAccess]: number }> = { NONE: 0, READ: 1, WRITE: 2 };
const NO_RULES: readonly CompiledRule[] = [];

export class AccessRules {
  private constructor(
    /** The file the rules came from. */
    readonly file: string,
    private readonly groups: ReadonlyMap<string, readonly CompiledRule[]>,
    private readonly matching: HostMatching['by'],
  ) {}

  static compile(configuration: AccessConfiguration, matching: HostMatching = { by: 'name' }): AccessRules {
    const hostKey = (host: string): string | undefined => (matching.by === 'name' ? lowerCase(host) : matching.addresses.get(host));
    const compileRule = (rule: AccessRule): CompiledRule => ({
      level: rule.level,
      rank: RANK[rule.access],
      users: rule.uags.length === 0 ? undefined : new Set(rule.uags.flatMap((name) => configuration.uags.get(name)!.users)),
      hosts: rule.hags.length === 0 ? undefined : new Set(rule.hags.flatMap((name) => configuration.hags.get(name)!.hosts.map(hostKey)).filter(isDefined)),
      conditional: rule.calc !== undefined,
    });
    const groups = new Map([...configuration.asgs.values()].map((group) => [group.name, group.rules.map(compileRule)] as const));
    return new AccessRules(configuration.file, groups, matching.by);
  }

  /** The access a client has to a field of level `asl` of a record whose ASG field says `asg`. */
  rightsFor(asg: string, asl: AccessSecurityLevel, client: AccessClient): Rights {
    const rules = this.groups.get(asg) ?? this.groups.get(DEFAULT_ASG) ?? NO_RULES;
    const host = this.matching === 'name' ? lowerCase(client.host) : ipv4Of(client.address);
    let rank = RANK.NONE;
    for (const rule of rules) {
      if (rank === RANK.WRITE) break;
      if (rule.rank <= rank || asl > rule.level || rule.conditional) continue;
      if (rule.users && !rule.users.has(client.user)) continue;
      if (rule.hosts && !rule.hosts.has(host)) continue;
      rank = rule.rank;
    }
    return { read: rank >= RANK.READ, write: rank >= RANK.WRITE };
  }
}

/** As asLib lowers host names: ASCII letters only (C's tolower in the C locale). */
function lowerCase(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d. */
function ipv4Of(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
