import { TracingError } from '../errors';
import { EXTERNAL_SAMPLER_KEY, type ExternalSettings } from './external-sampler';
import type { ExternalReport } from './sample-store';

/** Evaluates an expression in the observed isolate and returns its value (a string here). */
export type Evaluate = (expression: string) => Promise<unknown>;

const NOT_REGISTERED =
  'cannot sample external memory: the observed thread has no external sampler. Call registerExternalSampler() ' +
  "from 'memtrace-ioc/tracing' in that thread (startIoc does it), or set the external sampling interval to 0.";

/**
 * The engine's end of the observed isolate's external sampler. Every call is one `Runtime.evaluate`
 * on the inspector session the engine already holds: it runs on the observed thread at once (as
 * V8's own `getSamplingProfile`, by interrupt, even while that thread's event loop is busy) and
 * brings the answer back as one JSON string, which the protocol copies with no object walk.
 */
export class ExternalChannel {
  private readonly evaluate: Evaluate;

  constructor(evaluate: Evaluate) {
    this.evaluate = evaluate;
  }

  async start(settings: ExternalSettings): Promise<void> {
    await this.call('start', JSON.stringify(JSON.stringify(settings)));
  }

  async stop(): Promise<void> {
    await this.call('stop', '');
  }

  async clear(): Promise<void> {
    await this.call('clear', '');
  }

  /** The samples after `afterOrdinal`; read it after the V8 sampler's full GC, when dead buffers' WeakRefs are empty. */
  async report(afterOrdinal: number): Promise<ExternalReport> {
    const report = (await this.call('report', String(afterOrdinal))) as ExternalReport | null;
    if (!report) throw new TracingError('the external sampler is not running in the observed thread: it was stopped there; stop and start tracing again');
    return report;
  }

  private async call(method: string, argument: string): Promise<unknown> {
    const key = JSON.stringify(EXTERNAL_SAMPLER_KEY.description);
    const expression = `(() => { const c = globalThis.Buffer?.[Symbol.for(${key})]; return c ? c.${method}(${argument}) : null; })()`;
    const text = await this.evaluate(expression);
    if (typeof text !== 'string') throw new TracingError(NOT_REGISTERED);
    const answer = JSON.parse(text) as { result: unknown } | { error: string };
    if ('error' in answer) throw new TracingError(answer.error);
    return answer.result;
  }
}
