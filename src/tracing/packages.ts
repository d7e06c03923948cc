import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package of Node's own JavaScript and of V8's pseudo-frames. */
export const NODE_INTERNAL = 'node:internal';
/** The package of app code that no package.json with a name claims. */
export const UNNAMED_APP = '<app>';

/**
 * Which package owns a file: "which dependency holds my memory" is the question Node users ask.
 * A file under `node_modules` belongs to the package directory after the last `node_modules`
 * (`@scope/name` for scoped packages; this also covers pnpm's `.pnpm/x@1/node_modules/x` layout).
 * Other files belong to the app: the name in the nearest package.json that has one, so a monorepo's
 * workspaces are told apart.
 */
export class PackageResolver {
  private readonly namesByDirectory = new Map<string, string>();

  packageOf(file: string): string {
    if (file.startsWith('node:') || file.startsWith('(')) return NODE_INTERNAL;
    const slashed = file.replace(/\\/g, '/');
    const marker = slashed.lastIndexOf('/node_modules/');
    if (marker >= 0) {
      const parts = slashed.slice(marker + '/node_modules/'.length).split('/');
      return parts[0]!.startsWith('@') && parts.length > 2 ? `${parts[0]!}/${parts[1]!}` : parts[0]!;
    }
    if (!path.isAbsolute(file)) return UNNAMED_APP;
    return this.appNameFor(path.dirname(file));
  }

  private appNameFor(directory: string): string {
    const known = this.namesByDirectory.get(directory);
    if (known !== undefined) return known;
    let name = readPackageName(path.join(directory, 'package.json'));
    if (name === undefined) {
      const parent = path.dirname(directory);
      name = parent === directory ? UNNAMED_APP : this.appNameFor(parent);
    }
    this.namesByDirectory.set(directory, name);
    return name;
  }
}

function readPackageName(file: string): string | undefined {
  try {
    const { name } = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}
