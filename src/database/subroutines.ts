// The subroutines sub records call, registered by name from code (EPICS's registryFunction): INAM
// names the one run once at initialisation, SNAM the one run on every pass.

import type { DbRecord } from './record';

/**
 * What a subroutine returns: nothing or a number ≥ 0 when it succeeded (VAL is then checked for
 * NaN), a negative number when it failed (the record takes a SOFT alarm of severity BRSV), or a
 * promise of either: the record stays active (PACT) until it settles, as an asynchronous
 * subroutine keeps it in EPICS. A subroutine that throws, or a promise that rejects, counts as failed.
 */
export type SubroutineStatus = number | void;
export type Subroutine = (record: SubroutineRecord) => SubroutineStatus | Promise<SubroutineStatus>;

/** What a subroutine may do to its record: read and set fields (VAL, A…L…), post them, raise an alarm. */
export type SubroutineRecord = Pick<DbRecord, 'name' | 'number' | 'string' | 'assign' | 'post' | 'raiseAlarm'>;

/** The subroutines of one database, by name. */
export class SubroutineRegistry {
  private readonly functions = new Map<string, Subroutine>();

  register(name: string, subroutine: Subroutine): void {
    if (this.functions.has(name)) throw new Error(`a subroutine named "${name}" is already registered`);
    this.functions.set(name, subroutine);
  }

  find(name: string): Subroutine | undefined {
    return this.functions.get(name);
  }

  /** Why `name` cannot be given to INAM or SNAM, or undefined when it can. */
  refusal(name: string): string | undefined {
    if (name === '' || this.functions.has(name)) return undefined;
    const known = [...this.functions.keys()];
    return `no subroutine "${name}" is registered${known.length ? ` (registered: ${known.join(', ')})` : ''}`;
  }
}
