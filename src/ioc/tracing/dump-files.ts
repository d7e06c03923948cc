import type { ContainedDirectory } from '../../files/contained-directory';
import { PROFILE_EXTENSIONS, type ProfileFormat } from '../../tracing';
import type { DumpFormat, DumpTarget, TraceReporter } from './trace-reporter';

/** The profile files of a dump format, in the order they are written. */
function profileFormats(format: DumpFormat): ProfileFormat[] {
  return format === 'both' ? ['heapprofile', 'pprof'] : [format];
}

/**
 * The files a dump makes from one name: a profile extension the name ends with becomes the
 * format's (`x.heapprofile` dumped as pprof is `x.pb.gz`); a name without one is kept as the client
 * wrote it, unless both formats are written, when each file gets its extension.
 */
export function dumpFileNames(name: string, format: DumpFormat): string[] {
  const known = Object.values(PROFILE_EXTENSIONS).find((extension) => name.endsWith(extension));
  if (!known && format !== 'both') return [name];
  const stem = known ? name.slice(0, -known.length) : name;
  return profileFormats(format).map((profile) => stem + PROFILE_EXTENSIONS[profile]);
}

/** Why a dump named `name` in `format` cannot be written to `directory`, or undefined when it can. */
export function dumpRefusal(directory: ContainedDirectory, name: string, format: DumpFormat): string | undefined {
  for (const file of dumpFileNames(name, format)) {
    const refusal = directory.refusal(file);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/**
 * Takes one snapshot and writes it to new files in `directory` (see ContainedDirectory.create),
 * one per profile format. Resolves to their paths and when the snapshot was taken.
 */
export async function writeDump(
  directory: ContainedDirectory,
  name: string,
  format: DumpFormat,
  reporter: Pick<TraceReporter, 'dump'>,
): Promise<{ files: string[]; takenAt: Date }> {
  const names = dumpFileNames(name, format);
  const descriptors: number[] = [];
  const files: string[] = [];
  // Each file is created inside the previous one's write, so that all are open when the one snapshot is written.
  const create = async (index: number): Promise<Date> => {
    if (index === names.length) return reporter.dump(dumpTarget(format, descriptors));
    const { file, result } = await directory.create(names[index]!, (fd) => {
      descriptors[index] = fd;
      return create(index + 1);
    });
    files.unshift(file);
    return result;
  };
  const takenAt = await create(0);
  return { files, takenAt };
}

function dumpTarget(format: DumpFormat, descriptors: readonly number[]): DumpTarget {
  const descriptor = (index: number): number => {
    const fd = descriptors[index];
    if (fd === undefined) throw new RangeError(`a ${format} dump has no file ${index + 1}`);
    return fd;
  };
  switch (format) {
    case 'heapprofile':
      return { format, heapprofile: descriptor(0) };
    case 'pprof':
      return { format, pprof: descriptor(0) };
    case 'both':
      return { format, heapprofile: descriptor(0), pprof: descriptor(1) };
  }
}
