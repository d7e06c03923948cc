/**
 * Node's public allocation points, wrapped so that each new Buffer or ArrayBuffer is shown to
 * `observe`. Only code that reads `Buffer.from` (or `Uint8Array`…) after installation goes through
 * the wrappers: a reference taken before (`const { from } = Buffer`) is missed.
 */

/** A new allocation: `view` is the Buffer or typed array made (or the ArrayBuffer itself); `skip` the wrapper to leave off its stack. */
export type Observe = (made: ArrayBufferView | ArrayBuffer, skip: Callee) => void;

/** Any function, as a stack-trace cut point or a wrapped original: only its identity and `apply` are used. */
export type Callee = (...args: never[]) => unknown;

/** V8 keeps typed arrays up to this many bytes inside its own heap (typed_array_max_size_in_heap), where its sampler sees them. */
export const ON_HEAP_MAX_BYTES = 64;

const BUFFER_ALLOCATORS = ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'from', 'concat'] as const;
/** Those whose small results come from V8's heap, not from a pool slab. */
const UNPOOLED = new Set<string>(['alloc', 'allocUnsafeSlow']);

export const TYPED_ARRAY_CONSTRUCTORS = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

function sharesMemory(argument: unknown): boolean {
  return argument instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && argument instanceof SharedArrayBuffer);
}

/** Both wrappers of an allocation running at once (`Buffer.concat` calls `allocUnsafe`) count once. */
let depth = 0;

/** Wraps Buffer's allocators; returns the function that puts the originals back. */
export function hookBuffer(observe: Observe): () => void {
  const restore: (() => void)[] = [];
  for (const name of BUFFER_ALLOCATORS) {
    // Read by reflection: these are statics that never use `this`, kept to be put back as they were.
    const original = Reflect.get(Buffer, name) as (...args: unknown[]) => Buffer;
    const unpooled = UNPOOLED.has(name);
    const wrapper = function (this: unknown, ...args: unknown[]): Buffer {
      if (depth > 0) return original.apply(this, args);
      depth++;
      let made: Buffer;
      try {
        made = original.apply(this, args);
      } finally {
        depth--;
      }
      // Buffer.from(arrayBuffer) is a view of the caller's memory, not a new allocation.
      if (made.byteLength > (unpooled ? ON_HEAP_MAX_BYTES : 0) && !(name === 'from' && sharesMemory(args[0]))) observe(made, wrapper);
      return made;
    };
    Object.defineProperty(wrapper, 'name', { value: name });
    Object.defineProperty(wrapper, 'length', { value: original.length });
    setProperty(Buffer, name, wrapper);
    restore.push(() => {
      if (Buffer[name] === (wrapper as unknown)) setProperty(Buffer, name, original);
    });
  }
  return () => restore.forEach((undo) => undo());
}

/**
 * Replaces the global ArrayBuffer and typed-array constructors by Proxies whose `construct` trap
 * observes what they make; `instanceof` and static methods work through the Proxy, but
 * `x.constructor === Uint8Array` is false while installed, and each construction costs ~25 ns
 * more, so this is installed only while sampling. Node's Buffer code holds the originals.
 */
export function hookTypedArrays(observe: Observe): () => void {
  const restore: (() => void)[] = [];
  const globals = globalThis as unknown as Record<string, Callee | undefined>;
  for (const name of TYPED_ARRAY_CONSTRUCTORS) {
    const original = globals[name];
    if (typeof original !== 'function') continue;
    const construct = (target: Callee, args: unknown[], newTarget: Callee): object => {
      const made = Reflect.construct(target, args, newTarget) as ArrayBufferView | ArrayBuffer;
      if (depth === 0 && made.byteLength > (name === 'ArrayBuffer' ? 0 : ON_HEAP_MAX_BYTES) && !sharesMemory(args[0])) {
        observe(made, construct);
      }
      return made;
    };
    const proxy = new Proxy(original, { construct });
    setProperty(globalThis, name, proxy);
    restore.push(() => {
      if (globals[name] === proxy) setProperty(globalThis, name, original);
    });
  }
  return () => restore.forEach((undo) => undo());
}

/** Assigns keeping the property's attributes; throws a clear error where the host froze it. */
function setProperty(target: object, name: string, value: unknown): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (descriptor && !descriptor.writable && !descriptor.configurable) {
    throw new TypeError(`cannot sample external memory: ${name} is frozen in this process (--frozen-intrinsics?)`);
  }
  Object.defineProperty(target, name, { ...descriptor, value });
}
