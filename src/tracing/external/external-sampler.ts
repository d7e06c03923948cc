import { Buffer as NodeBuffer } from 'node:buffer';
import { ByteCountdown, type Random } from './countdown';
import { type Callee, hookBuffer, hookTypedArrays, type Observe } from './hooks';
import { type ExternalReport, SampleStore } from './sample-store';
import { StackCapture } from './stack-capture';

export interface ExternalSettings {
  /** Mean bytes between samples. */
  samplingInterval: number;
  /** Keep samples of collected buffers: "what was allocated", as the V8 sampler's allocated mode. */
  keepCollected: boolean;
}

// Held so that the hot path does not go through the Proxy that replaces the global ArrayBuffer while
// sampling; isView is a static that never reads `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const isView = ArrayBuffer.isView;

/**
 * Samples the Buffers and ArrayBuffers this isolate allocates, Poisson by bytes, and keeps the live
 * samples with their sites. It must run in the isolate it observes (Buffer and the typed-array
 * constructors are per isolate); the tracing engine reads it, from there or from another thread,
 * through `report()`.
 */
export class ExternalSampler {
  private settings: ExternalSettings | null = null;
  private store: SampleStore | null = null;
  private uninstall: (() => void) | null = null;
  private countdown: ByteCountdown | null = null;
  private readonly random: Random;
  private stacks: StackCapture | null = null;
  private sampling = false;

  constructor(random: Random = Math.random) {
    this.random = random;
  }

  get running(): boolean {
    return this.settings !== null;
  }

  /**
   * Installs the wrappers and starts sampling. Started again with the same settings (the engine
   * starting after an early start by the host), it keeps its samples.
   */
  start(settings: ExternalSettings): void {
    const current = this.settings;
    if (current && current.samplingInterval === settings.samplingInterval && current.keepCollected === settings.keepCollected) return;
    this.stop();
    if (!StackCapture.available()) {
      throw new Error(
        'cannot sample external memory: Error.prepareStackTrace is frozen in this process (--frozen-intrinsics); set the external sampling interval to 0',
      );
    }
    this.stacks = new StackCapture();
    this.settings = { ...settings };
    this.store = new SampleStore(settings.samplingInterval, settings.keepCollected);
    this.countdown = new ByteCountdown(settings.samplingInterval, this.random);
    const observe: Observe = (made, skip) => this.allocated(made, skip);
    const unhookBuffer = hookBuffer(observe);
    try {
      const unhookTypedArrays = hookTypedArrays(observe);
      this.uninstall = () => {
        unhookTypedArrays();
        unhookBuffer();
      };
    } catch (error) {
      unhookBuffer();
      this.settings = this.store = null;
      throw error;
    }
    this.sampling = true;
  }

  /** Puts Node's own functions back and forgets every sample. */
  stop(): void {
    this.sampling = false;
    this.uninstall?.();
    this.uninstall = null;
    this.settings = this.store = this.stacks = this.countdown = null;
  }

  /** Forgets every sample; sampling goes on. */
  clear(): void {
    if (!this.settings) return;
    this.store = new SampleStore(this.settings.samplingInterval, this.settings.keepCollected);
  }

  /** The samples after `afterOrdinal` per site, and the isolate's ArrayBuffer total. Read it after a full GC. */
  report(afterOrdinal = -1): ExternalReport | null {
    if (!this.store) return null;
    return this.store.report(afterOrdinal, process.memoryUsage().arrayBuffers, Buffer.poolSize);
  }

  /** Called on every allocation while installed: keep it to a subtraction and a compare. */
  private allocated(made: ArrayBufferView | ArrayBuffer, skip: Callee): void {
    if (!this.sampling) return;
    const size = made.byteLength;
    if (!this.countdown!.take(size)) return;
    this.sampling = false;
    try {
      const buffer = isView(made) ? (made.buffer as ArrayBuffer) : made;
      this.store!.add(size, buffer, buffer.byteLength > size, this.stacks!.capture(skip));
    } finally {
      this.sampling = this.settings !== null;
    }
  }
}

/**
 * One sampler per isolate, whichever copy of this module made it, found by the engine under this
 * key on `Buffer`: every context of the isolate shares Node's Buffer, while a vm context (Jest's
 * test environment, for one) has a global of its own that the inspector's evaluation never sees.
 */
export const EXTERNAL_SAMPLER_KEY = Symbol.for('memtrace-ioc.externalSampler');

/** Control of this isolate's sampler as the engine uses it: each call returns JSON text, so it crosses an inspector session by value. */
export interface ExternalSamplerControl {
  start(settingsJson: string): string;
  stop(): string;
  clear(): string;
  report(afterOrdinal: number): string;
}

/**
 * Makes this isolate's external sampler reachable by the tracing engine (from this thread, or from
 * a worker through the inspector). Costs nothing until the engine starts it. Call it early: the
 * wrappers catch only code that looks `Buffer.from` up after they are installed.
 */
export function registerExternalSampler(): ExternalSampler {
  const holder = NodeBuffer as unknown as Record<symbol, { sampler: ExternalSampler } | undefined>;
  const known = holder[EXTERNAL_SAMPLER_KEY];
  if (known) return known.sampler;
  const sampler = new ExternalSampler();
  const answer = (work: () => unknown): string => {
    try {
      return JSON.stringify({ result: work() ?? null });
    } catch (error) {
      return JSON.stringify({ error: (error as Error).message });
    }
  };
  const control: ExternalSamplerControl & { sampler: ExternalSampler } = {
    sampler,
    start: (settingsJson) => answer(() => sampler.start(JSON.parse(settingsJson) as ExternalSettings)),
    stop: () => answer(() => sampler.stop()),
    clear: () => answer(() => sampler.clear()),
    report: (afterOrdinal) => answer(() => sampler.report(afterOrdinal)),
  };
  Object.defineProperty(NodeBuffer, EXTERNAL_SAMPLER_KEY, { value: control, enumerable: false, configurable: true });
  return sampler;
}
