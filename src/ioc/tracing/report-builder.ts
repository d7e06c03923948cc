import * as engine from '../../tracing';
import type { ReportOptions, SamplingSettings, SuspectList, TraceReport } from './trace-reporter';

/** The percentage of growth a suspect explains, as a person reads it. */
function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function suspectsList(suspects: readonly engine.Suspect[], count: number): SuspectList {
  const shown = suspects.slice(0, count);
  const statistics = shown.map((suspect) => suspect.statistic);
  // The top lines' shape, with the growth on the free indented line in place of the source line.
  const text = shown
    .map(
      ({ statistic, rate, share, grewIn, periods }, index) =>
        `${engine.formatEntry(statistic, index + 1)}\n    ${engine.formatSize(rate, true)}/min, ${percent(share)} of growth, grew in ${grewIn} of ${periods} periods`,
    )
    .join('\n');
  return { text, rows: engine.resultRows(statistics, {}, (_, index) => shown[index]), rates: shown.map((suspect) => suspect.rate) };
}

/**
 * What sampled sites explain of the isolate's ArrayBuffer memory, and the rest, exactly: Node's own
 * allocations (socket and HTTP chunks held raw, crypto, TextEncoder, typed-array slice/map, addons,
 * WebAssembly) that no wrapped allocator sees.
 */
function externalLines(external: engine.ExternalTotals | null): string[] {
  if (!external) return ['External memory (Buffers, ArrayBuffers): not sampled (TraceExternalSamplingInterval 0)'];
  const { attributed, arrayBuffers, residual } = external;
  return [
    `External memory: ${engine.formatSize(arrayBuffers)} in array buffers, ${engine.formatSize(attributed)} of it attributed to the sites above`,
    `External memory no sampled site explains: ${engine.formatSize(residual)} (Node's own buffers: sockets, crypto, TextEncoder, typed-array slices, addons)`,
  ];
}

/**
 * Turns snapshots into the memoryTracing group's report: lists as caproto writes them, their rows,
 * the summary the lists leave out, and the growth history leak suspects come from.
 */
export class TraceReportBuilder {
  private readonly settings: SamplingSettings;
  /** Filtered, for the diff. */
  private previous: engine.Snapshot | undefined;
  private history: engine.GrowthHistory;
  /** The statistics the history follows; another key type starts it over. */
  private historyKey = '';

  constructor(settings: SamplingSettings) {
    this.settings = settings;
    this.history = new engine.GrowthHistory(settings.samplingInterval, settings.suspects);
  }

  build(raw: engine.Snapshot, { count, keyType, cumulative }: ReportOptions, durationMs: number): TraceReport {
    const filtered = raw.filterTraces();
    const statistics = filtered.statistics(keyType, { cumulative });
    const diffs = this.previous ? filtered.compareTo(this.previous, keyType, { cumulative }).slice(0, count) : null;
    this.previous = filtered;
    const historyKey = `${keyType}/${cumulative}`;
    if (historyKey !== this.historyKey) {
      this.history = new engine.GrowthHistory(this.settings.samplingInterval, this.settings.suspects);
      this.historyKey = historyKey;
    }
    this.history.add(raw.takenAt, statistics, raw.size);
    const suspects = this.settings.mode === 'live' ? this.history.suspects() : [];
    // What allocated mode traces is each period's allocations: their trend is no growth.
    const growthRate = this.settings.mode === 'live' ? this.history.growthRate() : null;
    const ownCode = raw.ownCodeSize();
    const top = statistics.slice(0, count);
    return {
      top: { text: engine.formatTopLines(top, { limit: count }).join('\n'), rows: engine.resultRows(top) },
      diff: diffs && { text: diffs.map((diff) => engine.formatStatisticDiff(diff)).join('\n'), rows: engine.resultRows(diffs) },
      suspects: suspectsList(suspects, count),
      summary: [
        engine.topTitle(keyType, count),
        ...engine.formatTopTotals(statistics, count),
        `memtrace-ioc's own allocations, left out of the lists: ${engine.formatSize(ownCode)} (TraceSelfMemory)`,
        ...externalLines(raw.external),
        this.growthLine(growthRate, suspects.length),
      ].join('\n'),
      traced: raw.size,
      external: raw.external,
      ownCode,
      growthRate,
      topSuspectRate: suspects[0]?.rate ?? 0,
      durationMs,
      takenAt: raw.takenAt,
    };
  }

  private growthLine(growthRate: number | null, suspects: number): string {
    const { kept, needed } = this.history;
    if (this.settings.mode !== 'live') return 'Growth rate and leak suspects: in live mode only';
    const rate =
      growthRate === null ? 'Traced memory growth: after 2 snapshots' : `Traced memory grows ${engine.formatSize(growthRate, true)}/min over ${kept} snapshots`;
    if (kept < needed) return `${rate}; leak suspects: after ${needed} snapshots (${kept} so far)`;
    return `${rate}; leak suspects: ${suspects}`;
  }
}
