import * as fs from 'node:fs';
import * as path from 'node:path';

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPackageJson(directory: string): PackageJson | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** Where Node's resolution finds package `name` required from `directory`: its real directory, or undefined when it is not installed. */
function installedDirectory(name: string, directory: string): string | undefined {
  for (let at = directory; ; at = path.dirname(at)) {
    const candidate = path.join(at, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(at) === at) return undefined;
  }
}

/**
 * The npm packages the package in `packageDirectory` runs, directly or through one another
 * (`dependencies` and `optionalDependencies`, as installed): memtrace-ioc's logger is pino, which
 * writes through sonic-boom. What they allocate when memtrace-ioc's code calls them is memtrace-ioc's.
 */
export function dependencyClosure(packageDirectory: string): string[] {
  const found = new Set<string>();
  const pending = [packageDirectory];
  for (let directory = pending.pop(); directory !== undefined; directory = pending.pop()) {
    const manifest = readPackageJson(directory);
    for (const name of Object.keys({ ...manifest?.dependencies, ...manifest?.optionalDependencies })) {
      if (found.has(name)) continue;
      const installed = installedDirectory(name, directory);
      if (!installed) continue;
      found.add(name);
      pending.push(installed);
    }
  }
  return [...found].sort();
}
