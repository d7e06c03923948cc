// Builds small .heapsnapshot texts in V8's format (Node 20's meta), for graphs computed by hand.

const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'concatenated string',
  'sliced string',
  'symbol',
  'bigint',
  'object shape',
];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
const NODE_FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];

export interface SyntheticNode {
  key: string;
  type: string;
  name: string;
  selfSize: number;
  /** V8's id; defaults to the node's position × 2 + 1. */
  id?: number;
  /** [script id, line, column], 0-based, for closures. */
  location?: [number, number, number];
}

export interface SyntheticEdge {
  from: string;
  to: string;
  type: string;
  /** A property name, or an element index. */
  name: string | number;
}

export function syntheticSnapshot(nodes: SyntheticNode[], edges: SyntheticEdge[]): string {
  const strings: string[] = [''];
  const string = (text: string) => {
    const at = strings.indexOf(text);
    return at >= 0 ? at : strings.push(text) - 1;
  };
  const position = new Map(nodes.map((node, at) => [node.key, at]));
  const at = (key: string) => {
    const found = position.get(key);
    if (found === undefined) throw new Error(`no node ${key}`);
    return found;
  };
  const nodeValues: number[] = [];
  const edgeValues: number[] = [];
  const locations: number[] = [];
  nodes.forEach((node, index) => {
    const own = edges.filter((edge) => edge.from === node.key);
    nodeValues.push(NODE_TYPES.indexOf(node.type), string(node.name), node.id ?? index * 2 + 1, node.selfSize, own.length, 0, 0);
    for (const edge of own) {
      const name = typeof edge.name === 'number' ? edge.name : string(edge.name);
      edgeValues.push(EDGE_TYPES.indexOf(edge.type), name, at(edge.to) * NODE_FIELDS.length);
    }
    if (node.location) locations.push(index * NODE_FIELDS.length, ...node.location);
  });
  const meta = {
    node_fields: NODE_FIELDS,
    node_types: [NODE_TYPES, 'string', 'number', 'number', 'number', 'number', 'number'],
    edge_fields: ['type', 'name_or_index', 'to_node'],
    edge_types: [EDGE_TYPES, 'string_or_number', 'node'],
    trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
    trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
    sample_fields: ['timestamp_us', 'last_assigned_id'],
    location_fields: ['object_index', 'script_id', 'line', 'column'],
  };
  // V8's own layout: one node per line, nested empty arrays in trace_tree, strings last.
  const lines = (values: number[], width: number) =>
    values
      .reduce<string[]>((out, value, index) => (index % width === 0 ? [...out, String(value)] : [...out.slice(0, -1), `${out.at(-1)},${value}`]), [])
      .join('\n,');
  return (
    `{"snapshot":{"meta":${JSON.stringify(meta)},\n"node_count":${nodes.length},"edge_count":${edges.length},"trace_function_count":0},\n` +
    `"nodes":[${lines(nodeValues, NODE_FIELDS.length)}],\n"edges":[${lines(edgeValues, 3)}],\n` +
    `"trace_function_infos":[],\n"trace_tree":[1,0,0,0,[[2,1,0,0,[]]]],\n"samples":[],\n"locations":[${lines(locations, 4)}],\n` +
    `"strings":[${strings.map((text) => JSON.stringify(text)).join(',\n')}]}`
  );
}
