/**
 * The service the IOC benchmarks embed the IOC in: it builds a live heap of order records (objects,
 * strings, arrays, dates, as a cache of a web service holds them), optionally keeps replacing a
 * few of them, and serves CA through startIoc. Started by ioc-latency.ts and ioc-idle.ts, never by
 * hand; they pass it its options as JSON and the loopback EPICS_CAS_* environment.
 *
 *   node /tmp/bench-ioc/bench/ioc-host.js '{"ioc":{"prefix":"BENCH:"},"heapMegabytes":200,"churn":true,"lifetimeSeconds":300}'
 *
 * Prints `ready <tcpPort> <pid>` (port 0 without an IOC) once the heap is built and the IOC serves.
 * Reads numbered commands from stdin and answers each with a line `<command> <n> <JSON>`:
 * `report <n>` with a HostReport; `gc <n>` with {} once a full GC is done (node --expose-gc only).
 * `close` closes the IOC and exits; so does the end of stdin, should the bench die.
 */
import { PerformanceObserver, performance, type NodeGCPerformanceDetail } from 'node:perf_hooks';
import type { StartIocOptions } from '../src/ioc/start-ioc';

export interface HostOptions {
  /** startIoc's options; null for the same host without the IOC, the baseline of CPU and memory. */
  ioc: StartIocOptions | null;
  heapMegabytes: number;
  /** Replace a few orders every CHURN_PERIOD_MS, as a service does; false leaves the host idle. */
  churn: boolean;
  /** Exit after this long whatever happens to the bench that started it. */
  lifetimeSeconds: number;
}

export interface GcPause {
  /** Epoch ms, comparable across processes of this machine. */
  start: number;
  duration: number;
  /** perf_hooks' NODE_PERFORMANCE_GC_* kind. */
  kind: number;
}

export interface HostReport {
  /** Every GC of the main thread since the heap was built. */
  gc: GcPause[];
}

const CHURN_PERIOD_MS = 100;
/** ~1.5 MB/s of new orders (~750 bytes each): young-generation GCs, and an old space that fills slowly. */
const CHURN_ORDERS = 200;
const STATUSES = ['new', 'paid', 'packed', 'shipped', 'delivered', 'returned'];

interface Order {
  id: number;
  customer: { id: number; name: string; email: string };
  items: { sku: string; quantity: number; unitPrice: number }[];
  status: string;
  createdAt: Date;
  note: string;
}

function makeOrder(id: number): Order {
  const customerId = id % 50_000;
  return {
    id,
    customer: { id: customerId, name: `Customer ${customerId}`, email: `customer.${customerId}@example.com` },
    items: Array.from({ length: 1 + (id % 4) }, (_, k) => ({ sku: `SKU-${(id * 7 + k) % 100_000}`, quantity: 1 + k, unitPrice: 4.99 + k })),
    status: STATUSES[id % STATUSES.length]!,
    createdAt: new Date(1_700_000_000_000 + id * 1000),
    note: `order ${id}: deliver between 9 and 17, leave at the door if nobody answers`,
  };
}

/** Orders until the heap holds `megabytes`; the map keeps them live. */
function buildHeap(megabytes: number): Map<number, Order> {
  const orders = new Map<number, Order>();
  const target = megabytes * 1024 * 1024;
  while (process.memoryUsage().heapUsed < target) {
    for (let i = 0; i < 10_000; i++) orders.set(orders.size, makeOrder(orders.size));
  }
  return orders;
}

function observeGc(): GcPause[] {
  const pauses: GcPause[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.push({
        start: performance.timeOrigin + entry.startTime,
        duration: entry.duration,
        kind: (entry as unknown as { detail: NodeGCPerformanceDetail }).detail.kind,
      });
    }
  }).observe({ entryTypes: ['gc'] });
  return pauses;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '') as HostOptions;
  const lifetime = setTimeout(() => process.exit(2), options.lifetimeSeconds * 1000);
  const orders = buildHeap(options.heapMegabytes);
  const gc = observeGc();
  // Loaded only when used, so that the baseline host carries none of the IOC's code.
  const ioc = options.ioc && (await (await import('../src/ioc/start-ioc')).startIoc(options.ioc));
  let nextId = orders.size;
  const churn = options.churn
    ? setInterval(() => {
        for (let i = 0; i < CHURN_ORDERS; i++) {
          orders.delete(nextId - orders.size);
          orders.set(nextId, makeOrder(nextId++));
        }
      }, CHURN_PERIOD_MS)
    : undefined;
  process.stdout.write(`ready ${ioc?.tcpPort ?? 0} ${process.pid}\n`);

  let closing: Promise<void> | undefined;
  const close = () => {
    clearInterval(churn);
    clearTimeout(lifetime);
    closing ??= (ioc ? ioc.close() : Promise.resolve()).then(() => process.exit(0));
  };
  let buffered = '';
  process.stdin.on('end', close);
  process.stdin.on('data', (chunk: Buffer) => {
    const lines = (buffered + chunk.toString()).split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('report ')) {
        const report: HostReport = { gc };
        process.stdout.write(`${line} ${JSON.stringify(report)}\n`);
      } else if (line.startsWith('gc ')) {
        globalThis.gc!();
        process.stdout.write(`${line} {}\n`);
      } else if (line === 'close') {
        close();
      }
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`host failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
