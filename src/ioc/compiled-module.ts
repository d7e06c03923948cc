import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './config/ioc-config';

/**
 * The file of a module of the compiled package (`relative` to src/, as .js), for a Worker: beside
 * this one when running compiled, else in dist/ (tests run the sources).
 */
export function compiledModule(relative: string): string {
  const beside = path.resolve(__dirname, '..', relative);
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '..', '..', 'dist', relative);
  if (fs.existsSync(built)) return built;
  throw new ConfigError(`the compiled package has no ${relative}, which runs in a worker thread: run \`npm run build\``);
}
