// Reading EPICS environment variables the way both servers do: a server's own variable first, then
// the client's it falls back to; a value that cannot be used keeps the default and says why.

type Env = Record<string, string | undefined>;

/** The first of the names that is set (an empty value counts as unset), with its name. */
export function pick(env: Env, ...names: string[]): [name: string, value: string] | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return [name, value];
  }
  return undefined;
}

/** A TCP/UDP port, or `fallback` with a warning naming the variable. */
export function port(found: [name: string, value: string] | undefined, fallback: number, warnings: string[]): number {
  if (!found) return fallback;
  const parsed = Number(found[1]);
  if (Number.isInteger(parsed) && parsed > 0 && parsed <= 0xffff) return parsed;
  warnings.push(`${found[0]}=${found[1]} is not a port; using ${fallback}`);
  return fallback;
}
