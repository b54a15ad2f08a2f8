/** @module Cassette files: read a HAR (ours or anyone's) with clear errors, write ours atomically, merge shards' cassettes. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Har, HarEntry, HarLog, WaiExecution, WaiLogExtension } from './har-types.js';

/** A HAR file that cannot be used, and why (the CLI turns it into a usage error). */
export class CassetteError extends Error {
  override readonly name = 'CassetteError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first member an entry lacks to be read at all (HAR 1.2 requires far more; we need only these). */
function entryProblem(entry: unknown): string | undefined {
  if (!isObject(entry)) return 'is not an object';
  const request = entry.request;
  if (!isObject(request)) return 'has no request';
  if (typeof request.method !== 'string') return 'has no request.method';
  if (typeof request.url !== 'string') return 'has no request.url';
  if (!Array.isArray(request.headers)) return 'has no request.headers array';
  if (!isObject(entry.response)) return 'has no response';
  if (typeof entry.response.status !== 'number') return 'has no response.status';
  if (!isObject(entry.response.content)) return 'has no response.content';
  if (!isObject(entry.timings)) return 'has no timings';
  return undefined;
}

/** Parses HAR text; throws CassetteError naming the file and what is wrong. */
export function parseHar(text: string, name: string): Har {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new CassetteError(`${name} is not JSON: ${(cause as Error).message}`);
  }
  if (!isObject(data) || !isObject(data.log)) throw new CassetteError(`${name} is not a HAR file: no "log" object`);
  const log = data.log;
  if (!Array.isArray(log.entries)) throw new CassetteError(`${name} is not a HAR file: log.entries is not an array`);
  log.entries.forEach((entry, i) => {
    const problem = entryProblem(entry);
    if (problem) throw new CassetteError(`${name}: log.entries[${i}] ${problem}`);
  });
  return data as unknown as Har;
}

/** Reads a HAR file; throws CassetteError when it is unreadable or not HAR. */
export function readHar(path: string): Har {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CassetteError(`cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
  return parseHar(text, path);
}

/** True when a HAR is one of our cassettes (its entries carry verdicts and execution ids). */
export function isCassette(har: Har): har is Har & { log: HarLog & { _wai: WaiLogExtension } } {
  return isObject(har.log._wai) && har.log._wai.cassette === 1;
}

/** Writes a HAR file atomically (a reader never sees half a cassette). */
export function writeHar(path: string, har: Har): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(har, null, 1)}\n`);
  renameSync(temporary, path);
}

/**
 * One cassette from the cassettes of a sharded run. Execution ids are prefixed with the shard's
 * number: shards may each run the same execution (suites of different shards view it), and each
 * copy keeps the verdicts its shard reported.
 */
export function mergeCassettes(cassettes: readonly Har[]): Har {
  const [first] = cassettes;
  if (!first) throw new CassetteError('no cassette to merge');
  const executions: Record<string, WaiExecution> = {};
  const entries: HarEntry[] = [];
  cassettes.forEach((har, i) => {
    if (!isCassette(har)) throw new CassetteError(`cassette ${i + 1} of the merge was not written by \`run --record\``);
    const rename = (id: string) => `${i + 1}/${id}`;
    for (const [id, execution] of Object.entries(har.log._wai.executions)) {
      executions[rename(id)] = { ...execution, ...(execution.borrows ? { borrows: execution.borrows.map(rename) } : {}) };
    }
    for (const entry of har.log.entries) entries.push(entry._wai ? { ...entry, _wai: { ...entry._wai, execution: rename(entry._wai.execution) } } : entry);
  });
  const wai = (first as Har & { log: { _wai: WaiLogExtension } }).log._wai;
  return {
    log: {
      ...first.log,
      entries: entries.sort((a, b) => a.startedDateTime.localeCompare(b.startedDateTime)),
      _wai: { ...wai, settings: { ...wai.settings, shard: undefined, mergedShards: cassettes.length }, executions },
    },
  };
}
