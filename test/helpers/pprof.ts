import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

type Sample = Profile['sample'][number];

/** A pprof profile with the look-ups a test reads it through; a dangling index fails the test. */
export interface ReadProfile {
  profile: Profile;
  /** The string table's entry at `index`. */
  text: (index: number | bigint) => string;
  /** The name and file of the function that location `locationId` is in. */
  functionAt: (locationId: number | bigint) => { name: string; filename: string };
  /** A sample's `memory` label: heap or external. */
  memoryOf: (sample: Sample) => string;
}

/** Decodes a gzipped pprof profile, as our dumps write it. */
export function readProfile(gzipped: Buffer): ReadProfile {
  const profile = Profile.decode(gunzipSync(gzipped));
  const text = (index: number | bigint): string => {
    const string = profile.stringTable.strings[Number(index)];
    if (string === undefined) throw new Error(`string ${index} is past the end of the string table`);
    return string;
  };
  const functionAt = (locationId: number | bigint) => {
    const location = profile.location.find((candidate) => candidate.id === locationId);
    const fn = profile.function.find((candidate) => candidate.id === location?.line[0]?.functionId);
    if (!fn) throw new Error(`location ${locationId} is in no function of the profile`);
    return { name: text(fn.name), filename: text(fn.filename) };
  };
  const memoryOf = (sample: Sample): string => {
    const label = sample.label.find((candidate) => text(candidate.key) === 'memory');
    if (!label) throw new Error('a sample has no memory label');
    return text(label.str);
  };
  return { profile, text, functionAt, memoryOf };
}
