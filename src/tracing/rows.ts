import { formatKey, type FormatOptions } from './format';
import type { Statistic, StatisticDiff } from './statistics';

/**
 * One entry of a result list as data, for numeric waveforms and tables: the same order and the
 * same location text as the list's text form.
 */
export interface ResultRow {
  /** 1-based, as `#N` in the text. */
  rank: number;
  location: string;
  /**
   * The function at `location`: the allocating function for lineno, the stack's oldest frame's for
   * traceback (the frame tracemalloc's `str(Traceback)` and so the text print); empty for filename
   * and package statistics.
   */
  functionName: string;
  /** The package owning `location`'s file, or the package of a package statistic. */
  package: string;
  bytes: number;
  count: number;
  /** Change since the snapshot compared with; 0 where the list compares nothing. */
  deltaBytes: number;
  deltaCount: number;
  /** Memory outside V8's heap (Buffer and ArrayBuffer contents), from the external sampler. */
  external: boolean;
}

export interface RowChange {
  sizeDiff: number;
  countDiff: number;
}

/** The rows of `statistics` in their order; diffs carry their own change, others take `changeOf`'s. */
export function resultRows(
  statistics: readonly (Statistic | StatisticDiff)[],
  options: FormatOptions = {},
  changeOf: (statistic: Statistic, index: number) => RowChange | undefined = () => undefined,
): ResultRow[] {
  return statistics.map((statistic, index) => {
    const change = 'sizeDiff' in statistic ? statistic : changeOf(statistic, index);
    // The frame formatKey prints; a filename statistic's stands for its file, with no function.
    const shown = statistic.traceback[0];
    return {
      rank: index + 1,
      location: formatKey(statistic, options),
      functionName: shown?.functionName ?? '',
      package: statistic.keyType === 'package' ? statistic.key : (shown?.package ?? ''),
      bytes: statistic.size,
      count: statistic.count,
      deltaBytes: change?.sizeDiff ?? 0,
      deltaCount: change?.countDiff ?? 0,
      external: (statistic as { external?: boolean }).external ?? false,
    };
  });
}
