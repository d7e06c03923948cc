/**
 * The realistic service of tracing-service.ts with the IOC embedded by `startIoc` at its defaults
 * (CA from its worker, pvAccess off), and the operator who switches its tracing by CA puts to the
 * IOC's own records, as a person does. The benchmarks that switch tracing inside one running
 * service (tracing-service-paired.ts, tracing-service-twins.ts) fork this file as their server:
 *
 *   node bench/ioc-service.js '<TracingSettings as JSON>' <limitMs>
 *
 * It answers each 'sample' message with its CPU time (all threads) and the requests it served.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Dbe } from '../src/ca/protocol/constants';
import { SETTING_RANGES } from '../src/ioc/config/setting-ranges';
import { startIoc } from '../src/ioc/start-ioc';
import type { BenchChannel } from './ca-client';
import { IocClient } from './ioc-client';
import { createService } from './tracing-service';

export const PREFIX = 'SVC:';
const SWITCH_TIMEOUT_MS = 30_000;

/** What a configuration writes to EnableTracing, TraceSamplingInterval, TraceExternalSamplingInterval and TracePeriod. */
export interface TracingSettings {
  enable: 0 | 1;
  sampling: number;
  external: number;
  /** Seconds between periodic snapshots; the IOC's default unless given. */
  period?: number;
}

export const TRACING_OFF: TracingSettings = { enable: 0, sampling: SETTING_RANGES.traceSamplingInterval.default, external: 0 };
/** V8's sampler alone at the IOC's default interval. */
export const V8_DEFAULT: TracingSettings = { enable: 1, sampling: SETTING_RANGES.traceSamplingInterval.default, external: 0 };
/** The IOC's defaults: V8's sampler and the external sampler, each at its default interval. */
export const IOC_DEFAULTS: TracingSettings = { ...V8_DEFAULT, external: SETTING_RANGES.traceExternalSamplingInterval.default };

export interface ServerSample {
  type: 'sample';
  cpuMs: number;
  at: number;
  served: number;
}

export interface ServerReady {
  type: 'ready';
  port: number;
  iocPort: number;
}

/** The server process: `settings` are the tracing the IOC starts with (off, where a bench switches it later). */
export async function serverProcess(settings: TracingSettings, limitMs: number): Promise<void> {
  setTimeout(() => process.exit(2), limitMs).unref();
  // First, as a host should (README): the external sampler only sees code that looks Buffer up later.
  const ioc = await startIoc({
    prefix: PREFIX,
    protocols: { ca: true, pva: false },
    logging: { level: 'warn', pretty: false },
    tracing: {
      enabled: settings.enable === 1,
      samplingInterval: settings.sampling,
      externalSamplingInterval: settings.external,
      ...(settings.period ? { period: settings.period } : {}),
    },
  });
  const { server, served } = createService();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'sample', cpuMs: (user + system) / 1000, at: performance.now(), served: served() } satisfies ServerSample);
  });
  process.once('disconnect', () => {
    server.closeAllConnections();
    server.close();
    void ioc.close();
  });
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port, iocPort: ioc.tcpPort } satisfies ServerReady);
}

/** TraceStatus's text from a DBR_TIME_STRING: status, severity, stamp, then 40 characters. */
function timeString(payload: Buffer): string {
  const text = payload.subarray(12, 52);
  const end = text.indexOf(0);
  return text.toString('latin1', 0, end < 0 ? text.length : end);
}

/** The operator's side: CA puts, and TraceStatus to see them take effect. */
export class Operator {
  private status = '';
  private wake: () => void = () => undefined;

  private constructor(
    private readonly client: IocClient,
    private readonly enable: BenchChannel,
    private readonly sampling: BenchChannel,
    private readonly external: BenchChannel,
    private readonly period: BenchChannel,
  ) {}

  static async connect(iocPort: number): Promise<Operator> {
    const client = await IocClient.connect(iocPort);
    const names = ['EnableTracing', 'TraceSamplingInterval', 'TraceExternalSamplingInterval', 'TracePeriod', 'TraceStatus'].map((name) => `${PREFIX}${name}`);
    const [enable, sampling, external, period, status] = await client.channels(names);
    const operator = new Operator(client, enable!, sampling!, external!, period!);
    client.monitor(status!, Dbe.VALUE, (_header, payload) => {
      operator.status = timeString(payload);
      operator.wake();
    });
    client.flush();
    await operator.until((status) => status !== '', 'a first TraceStatus');
    return operator;
  }

  /** Disables, sets both intervals (inert while disabled), enables if asked: the IOC's own stop and start. */
  async switchTo({ enable, sampling, external, period = SETTING_RANGES.tracePeriod.default }: TracingSettings): Promise<void> {
    await this.client.write(this.enable, 0);
    await this.until((status) => status === 'disabled', 'TraceStatus "disabled"');
    await this.client.write(this.sampling, sampling);
    await this.client.write(this.external, external);
    await this.client.write(this.period, period);
    if (enable === 1) {
      await this.client.write(this.enable, 1);
      await this.tracing();
    }
  }

  /** Resolves once tracing runs; rejects if it failed to start. */
  async tracing(): Promise<void> {
    const status = await this.until((status) => status !== 'disabled', 'tracing to start');
    if (!status.startsWith('tracing')) throw new Error(`tracing did not start: TraceStatus says "${status}"`);
  }

  close(): void {
    this.client.close();
  }

  private async until(done: (status: string) => boolean, what: string): Promise<string> {
    const deadline = performance.now() + SWITCH_TIMEOUT_MS;
    while (!done(this.status)) {
      if (performance.now() > deadline) throw new Error(`no ${what} within ${SWITCH_TIMEOUT_MS} ms (TraceStatus "${this.status}")`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 250);
      });
    }
    return this.status;
  }
}

if (require.main === module) {
  serverProcess(JSON.parse(process.argv[2] ?? '') as TracingSettings, Number(process.argv[3])).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
