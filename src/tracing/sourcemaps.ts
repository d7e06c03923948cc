import * as fs from 'node:fs';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

interface LoadedMap {
  map: SourceMap;
  /** Where relative `sources` are resolved from: the map's directory joined with its sourceRoot. */
  sourceBase: string;
}

const MAPPING_COMMENT = /\/[/*][#@]\s*sourceMappingURL=([^\s'"*]+)/g;
const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Maps generated (compiled or bundled) locations back to original ones, through the map named by the
 * file's `sourceMappingURL` comment (a file beside it or an inline data: URL). Works for any file on
 * disk, whether or not Node loaded it with --enable-source-maps, so a worker, or a process loading a
 * dump, maps what another thread ran. Each file is read once; files without a map cost one read.
 */
export class SourceMapResolver {
  private readonly maps = new Map<string, LoadedMap | null>();

  /** The original location, or null when the file has no usable map or the map has no entry. */
  resolve(file: string, line: number, column: number): SourceLocation | null {
    const loaded = this.mapFor(file);
    if (!loaded || line < 1) return null;
    const entry = loaded.map.findEntry(line - 1, Math.max(0, column - 1)) as Partial<SourceMapping>;
    if (entry.originalSource === undefined || entry.originalLine === undefined) return null;
    return {
      file: resolveSource(entry.originalSource, loaded.sourceBase),
      line: entry.originalLine + 1,
      column: (entry.originalColumn ?? 0) + 1,
    };
  }

  private mapFor(file: string): LoadedMap | null {
    let loaded = this.maps.get(file);
    if (loaded === undefined) {
      loaded = loadMap(file);
      this.maps.set(file, loaded);
    }
    return loaded;
  }
}

function loadMap(file: string): LoadedMap | null {
  if (!path.isAbsolute(file)) return null;
  try {
    const text = fs.readFileSync(file, 'utf8');
    let url: string | undefined;
    for (const match of text.matchAll(MAPPING_COMMENT)) url = match[1];
    if (!url) return null;
    let payload: SourceMapPayload;
    let mapDir: string;
    if (url.startsWith('data:')) {
      payload = JSON.parse(decodeDataUrl(url)) as SourceMapPayload;
      mapDir = path.dirname(file);
    } else {
      const mapFile = url.startsWith('file:') ? fileURLToPath(url) : path.resolve(path.dirname(file), decodeURIComponent(url));
      payload = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as SourceMapPayload;
      mapDir = path.dirname(mapFile);
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- parsed JSON: sourceRoot is optional in the Source Map format, though Node's type says string
    const sourceRoot = payload.sourceRoot ?? '';
    const sourceBase = URL_SCHEME.test(sourceRoot) ? sourceRoot : path.resolve(mapDir, sourceRoot);
    return { map: new SourceMap(payload), sourceBase };
  } catch {
    // Unreadable file, missing or malformed map: the generated location is the best we have.
    return null;
  }
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const data = url.slice(comma + 1);
  return header.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}

function resolveSource(source: string, base: string): string {
  if (source.startsWith('file:')) return fileURLToPath(source);
  if (URL_SCHEME.test(source) && !path.isAbsolute(source)) return source;
  if (URL_SCHEME.test(base)) return base.endsWith('/') ? base + source : `${base}/${source}`;
  return path.resolve(base, source);
}
