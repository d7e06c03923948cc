// The PVs the CA benchmarks use, shared by the server that serves them (ca-server.ts), the load
// generator that asks for them (ca-load.ts) and the softIoc database that serves the same set.

export interface BenchPvNames {
  /** A DOUBLE scalar: gets, puts and monitors. */
  scalar: string;
  /** A CHAR waveform of `waveformBytes` elements. */
  waveform: string;
  /** The connect benchmark's channels are `${prefix}${i}`, i from 0. */
  prefix: string;
  channelCount: number;
}

export const WAVEFORM_BYTES = 5000;

export const DEFAULT_PVS: BenchPvNames = {
  scalar: 'BENCH:DOUBLE',
  waveform: 'BENCH:WAVE',
  prefix: 'BENCH:CH:',
  channelCount: 10000,
};

export function channelNames(pvs: BenchPvNames): string[] {
  return Array.from({ length: pvs.channelCount }, (_, i) => `${pvs.prefix}${i}`);
}

/** The same PVs as an EPICS database, for `softIoc -d`: ao/ai are DOUBLE fields, the waveform CHAR. */
export function softIocDatabase(pvs: BenchPvNames): string {
  const lines = [
    `record(ao, "${pvs.scalar}") {}`,
    `record(waveform, "${pvs.waveform}") {\n  field(FTVL, "CHAR")\n  field(NELM, "${WAVEFORM_BYTES}")\n}`,
    ...channelNames(pvs).map((name) => `record(ai, "${name}") {}`),
  ];
  return lines.join('\n') + '\n';
}
