import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayPath } from '../format';
import { SourceMapResolver } from '../sourcemaps';
import type { HeapGraph } from './graph';

/** V8 names the global object "global", or "global / <url>" in some contexts; browsers' is Window. */
const GLOBAL_NAME = /^(global|Window)( \/|$)/;

/**
 * Names of nodes as a person reads them in a retainer path: closures with their source location
 * (through source maps, as the tracing engine maps frames), objects by constructor.
 */
export class NodeLabels {
  private readonly graph: HeapGraph;
  private readonly root: string;
  private readonly resolver = new SourceMapResolver();
  private readonly closureLabels = new Map<number, string>();

  constructor(graph: HeapGraph, root: string) {
    this.graph = graph;
    this.root = root;
  }

  isGlobal(node: number): boolean {
    return this.graph.type(node) === this.graph.types.object && GLOBAL_NAME.test(this.graph.name(node));
  }

  /** Objects and closures a person wrote or can name; not V8's internals, nor the global object. */
  isMeaningful(node: number): boolean {
    const { types } = this.graph;
    const type = this.graph.type(node);
    if (type === types.closure) return true;
    if (type !== types.object) return false;
    const name = this.graph.name(node);
    return name !== '' && !GLOBAL_NAME.test(name) && !name.startsWith('system /');
  }

  /** Looked through when grouping what a retainer holds: containers V8 adds, not values. */
  isInternal(node: number): boolean {
    const { types } = this.graph;
    const type = this.graph.type(node);
    return type === types.hidden || type === types.array || type === types.code || type === types.objectShape || type === types.synthetic;
  }

  /** "closure put (src/cache.ts:7)", a root category such as "(Handle scope)", or the class name. */
  describe(node: number): string {
    const type = this.graph.type(node);
    if (type === this.graph.types.closure) return this.closure(node);
    return type === this.graph.types.synthetic ? this.graph.name(node) : this.graph.className(node);
  }

  closure(node: number): string {
    let label = this.closureLabels.get(node);
    if (label === undefined) {
      const name = this.graph.name(node) || '(anonymous)';
      const location = this.location(node);
      label = location ? `closure ${name} (${location})` : `closure ${name}`;
      this.closureLabels.set(node, label);
    }
    return label;
  }

  /** file:line of a closure, mapped to its original source where the script has a source map. */
  location(node: number): string | undefined {
    const location = this.graph.raw.locations.get(node);
    const script = this.graph.scriptName(node);
    if (!location || script === undefined) return undefined;
    const file = script.startsWith('file:') ? fileURLToPath(script) : script;
    const line = location[1] + 1;
    const mapped = path.isAbsolute(file) ? this.resolver.resolve(file, line, location[2] + 1) : null;
    return mapped ? `${displayPath(mapped.file, this.root)}:${mapped.line}` : `${displayPath(file, this.root)}:${line}`;
  }
}
