import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Frame } from './frames';
import { dependencyClosure } from './own-dependencies';
import { PackageResolver } from './packages';
import type { ProtocolCallFrame } from './protocol';
import { SourceMapResolver } from './sourcemaps';

/**
 * memtrace-ioc's code trees: the one this module runs from (src under ts-jest or tsx, or dist) and
 * its sibling. Its workers always run dist (compiled-module.ts), while the thread they observe may
 * run src: the frames of that thread are as much our own as the worker's.
 */
function codeTrees(): string[] {
  const running = path.dirname(__dirname);
  const sibling = { src: 'dist', dist: 'src' }[path.basename(running)];
  return sibling ? [running, path.join(path.dirname(running), sibling)] : [running];
}

/** All of memtrace-ioc's code: the IOC's servers and records run in the traced thread in main-thread mode, and default filters drop what they allocate. */
export const OWN_DIRECTORIES: readonly string[] = Object.freeze(codeTrees());
/** The engine's own files (src/tracing or dist/tracing). */
export const ENGINE_DIRECTORIES: readonly string[] = Object.freeze(OWN_DIRECTORIES.map((tree) => path.join(tree, 'tracing')));
/** The npm packages memtrace-ioc runs (pino, sonic-boom…): what they allocate when its code calls them is its own. */
export const OWN_DEPENDENCIES: readonly string[] = Object.freeze(dependencyClosure(path.dirname(OWN_DIRECTORIES[0]!)));

function isOwnFile(file: string): boolean {
  return OWN_DIRECTORIES.some((tree) => file.startsWith(tree + path.sep));
}

/** The file of frames V8 knows no script url for. */
export const NO_SCRIPT = '(no script)';

/** Source maps and package.json files do not change under a running process: read each once. */
const sharedSourceMaps = new SourceMapResolver();
const sharedPackages = new PackageResolver();

/**
 * Turns V8 call frames into Frames: paths instead of file: URLs, 1-based positions, original
 * locations through source maps, owning package. Profiles repeat a function in many nodes, so each
 * distinct call frame is resolved once per resolver.
 */
export class FrameResolver {
  /** script → position → frame: no key string per node on the hot path. */
  private readonly byScript = new Map<string, Map<number, Frame>>();
  /** The rare second function V8 names differently at one position. */
  private readonly byFullKey = new Map<string, Frame>();
  private readonly sourceMaps: SourceMapResolver | null;
  private readonly packages: PackageResolver;

  constructor(options: { sourceMaps?: boolean } = {}) {
    this.sourceMaps = options.sourceMaps === false ? null : sharedSourceMaps;
    this.packages = sharedPackages;
  }

  resolve(callFrame: ProtocolCallFrame): Frame {
    // A script id is a short string, cheaper to hash than the url repeated in every node; profiles
    // that have none (scriptId "0") fall back to the url.
    const script = callFrame.scriptId && callFrame.scriptId !== '0' ? callFrame.scriptId : callFrame.url;
    let byPosition = this.byScript.get(script);
    if (!byPosition) this.byScript.set(script, (byPosition = new Map<number, Frame>()));
    const position = callFrame.lineNumber * 0x1000000 + callFrame.columnNumber;
    const frame = byPosition.get(position);
    if (!frame) {
      const built = this.build(callFrame);
      byPosition.set(position, built);
      return built;
    }
    if (frame.functionName === callFrame.functionName) return frame;
    const key = `${script}\n${callFrame.url}\n${position}\n${callFrame.functionName}`;
    let named = this.byFullKey.get(key);
    if (!named) this.byFullKey.set(key, (named = this.build(callFrame)));
    return named;
  }

  private build({ functionName, url, lineNumber, columnNumber }: ProtocolCallFrame): Frame {
    if (url === '' && functionName.startsWith('(')) {
      // V8's pseudo-frames: (V8 API), (GC), (BYTECODE_COMPILER), (deopt)…: no script, no position.
      return new Frame(functionName, functionName, 0, 0, this.packages.packageOf(functionName));
    }
    // No url: V8's builtins written in JavaScript (typed array constructors, await continuations),
    // or eval'd code. Named like a pseudo-frame, so the default filters hide them the same way.
    let file = url === '' ? NO_SCRIPT : url.startsWith('file:') ? fileURLToPath(url) : url;
    let line = Math.max(0, lineNumber + 1);
    let column = Math.max(0, columnNumber + 1);
    if (this.sourceMaps && path.isAbsolute(file) && !isOwnFile(file)) {
      const original = this.sourceMaps.resolve(file, line, column);
      if (original) ({ file, line, column } = original);
    }
    return new Frame(functionName, file, line, column, this.packages.packageOf(file));
  }
}
