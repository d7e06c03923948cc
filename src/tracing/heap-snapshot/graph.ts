import type { RawHeapSnapshot } from './reader';

/** The name V8 gives an ArrayBuffer's backing store (memory outside the JS heap). */
export const BACKING_STORE_NAME = 'system / JSArrayBufferData';
/** The node every path starts from: V8 writes its synthetic root first. */
export const ROOT = 0;

/**
 * Read access to a parsed snapshot by node and edge ordinal, with the type numbers resolved once
 * so that the passes over millions of nodes compare small integers, never strings.
 */
export class HeapGraph {
  readonly raw: RawHeapSnapshot;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly types: {
    hidden: number;
    object: number;
    closure: number;
    native: number;
    synthetic: number;
    code: number;
    array: number;
    string: number;
    objectShape: number;
  };
  readonly edgeTypes: { weak: number; shortcut: number; element: number; hidden: number; property: number; context: number; internal: number };
  private readonly backingStoreName: number;

  constructor(raw: RawHeapSnapshot) {
    this.raw = raw;
    this.nodeCount = raw.nodeCount;
    this.edgeCount = raw.edgeCount;
    const node = (name: string) => raw.nodeTypeNames.indexOf(name);
    const edge = (name: string) => raw.edgeTypeNames.indexOf(name);
    this.types = {
      hidden: node('hidden'),
      object: node('object'),
      closure: node('closure'),
      native: node('native'),
      synthetic: node('synthetic'),
      code: node('code'),
      array: node('array'),
      string: node('string'),
      objectShape: node('object shape'),
    };
    this.edgeTypes = {
      weak: edge('weak'),
      shortcut: edge('shortcut'),
      element: edge('element'),
      hidden: edge('hidden'),
      property: edge('property'),
      context: edge('context'),
      internal: edge('internal'),
    };
    this.backingStoreName = raw.strings.indexOf(BACKING_STORE_NAME);
  }

  type(node: number): number {
    return this.raw.nodeType[node]!;
  }

  typeName(node: number): string {
    return this.raw.nodeTypeNames[this.raw.nodeType[node]!] ?? 'unknown';
  }

  name(node: number): string {
    return this.raw.strings[this.raw.nodeName[node]!] ?? '';
  }

  /** As Chrome DevTools' HeapSnapshotNode.className(): the constructor for objects, a type in parentheses otherwise. */
  className(node: number): string {
    const type = this.type(node);
    if (type === this.types.object || type === this.types.native) return this.name(node);
    if (type === this.types.hidden) return '(system)';
    if (type === this.types.code) return '(compiled code)';
    return `(${this.typeName(node)})`;
  }

  /** An ArrayBuffer's contents: counted as external bytes. */
  isBackingStore(node: number): boolean {
    return this.backingStoreName >= 0 && this.raw.nodeType[node] === this.types.native && this.raw.nodeName[node] === this.backingStoreName;
  }

  /**
   * Whether an edge counts for retaining, as in DevTools' HeapSnapshot.isEssentialEdge: weak edges
   * never; shortcuts only from the root, where they mark the user's global objects.
   */
  isEssentialEdge(from: number, edge: number): boolean {
    const type = this.raw.edgeType[edge]!;
    return type !== this.edgeTypes.weak && (type !== this.edgeTypes.shortcut || from === ROOT);
  }

  /** An edge's name as a path shows it: a property or variable name, or [index] for elements. */
  edgeLabel(edge: number): string {
    const type = this.raw.edgeType[edge]!;
    const name = this.raw.edgeName[edge]!;
    if (type === this.edgeTypes.element || type === this.edgeTypes.hidden) return `[${name}]`;
    return this.raw.strings[name] ?? '';
  }

  /** The script URL of a closure: closure → shared → script_or_debug_info → Script, named by its URL. */
  scriptName(closure: number): string | undefined {
    const shared = this.findEdge(closure, 'shared');
    if (shared === undefined) return undefined;
    const script = this.findEdge(shared, 'script_or_debug_info') ?? this.findEdge(shared, 'script');
    const name = script === undefined ? '' : this.name(script);
    return name === '' ? undefined : name;
  }

  /** The target of the named edge leaving `node`, if any. */
  findEdge(node: number, label: string): number | undefined {
    const { firstEdge, edgeTo } = this.raw;
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge++) {
      if (this.edgeLabel(edge) === label) return edgeTo[edge];
    }
    return undefined;
  }
}
