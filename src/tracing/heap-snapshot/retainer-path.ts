import type { HeapGraph } from './graph';
import type { NodeLabels } from './labels';

const MAX_SEGMENTS = 8;

/**
 * A retainer path as a person reads it: "global.cachePut → closure put (src/cache.ts:7) →
 * context.store (Map)". Edge names chain with dots; a closure or a named object ends a segment;
 * V8's internal hops show only their edge name; the roots before the last global object (or the
 * root category) are left out.
 */
export function formatRetainerPath(graph: HeapGraph, labels: NodeLabels, edges: readonly number[]): string {
  const { edgeTo } = graph.raw;
  const element = graph.edgeTypes.element;
  const hidden = graph.edgeTypes.hidden;
  // From the last global object on the path, or else from the root category it hangs from ("(Global handles)").
  let start = 0;
  let global = -1;
  for (let at = 0; at < edges.length; at++) {
    const target = edgeTo[edges[at]!]!;
    if (labels.isGlobal(target)) global = at;
    else if (graph.type(target) === graph.types.synthetic) start = at;
  }
  if (global >= 0) start = global;
  const segments: string[] = [];
  const first = edges.length > 0 ? edgeTo[edges[start]!]! : 0;
  let current = labels.isGlobal(first) ? 'global' : labels.describe(first);
  const join = (name: string) => (current === '' ? name : name.startsWith('[') ? current + name : `${current}.${name}`);
  for (let at = start + 1, source = first; at < edges.length; at++) {
    const edge = edges[at]!;
    const target = edgeTo[edge]!;
    const type = graph.raw.edgeType[edge]!;
    // Hidden edges and the numbering of root categories and of V8's internal arrays mean nothing to a reader.
    const fromRoot = graph.type(source) === graph.types.synthetic;
    const silent = fromRoot || type === hidden || (type === element && (labels.isInternal(target) || labels.isInternal(source)));
    source = target;
    if (!silent) current = join(graph.edgeLabel(edge));
    if (graph.type(target) === graph.types.closure) {
      if (current !== '') segments.push(current);
      segments.push(labels.closure(target));
      current = '';
    } else if (labels.isMeaningful(target)) {
      segments.push(`${current === '' ? '' : current + ' '}(${graph.className(target)})`);
      current = '';
    }
  }
  if (current !== '') segments.push(current);
  if (segments.length > MAX_SEGMENTS) segments.splice(2, segments.length - MAX_SEGMENTS + 1, '…');
  return segments.join(' → ');
}
