import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_RECORD, staleReason } from '../../../scripts/build-if-stale.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const HOUR = 3600;
/** A checkout with a build record at `builtAt` and the given files (path → modification time in s). */
function checkout(builtAt: number | undefined, files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'wai-build-'));
  roots.push(root);
  const folders = new Set<string>();
  for (const [path, time] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, '');
    utimesSync(full, time, time);
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) folders.add(path.slice(0, at));
  }
  // Folders dated with their oldest file, as a checkout long built leaves them.
  for (const folder of folders) utimesSync(join(root, folder), 1000, 1000);
  if (builtAt !== undefined) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, BUILD_RECORD), '{}');
    utimesSync(join(root, BUILD_RECORD), builtAt, builtAt);
  }
  return root;
}

describe('build-if-stale', () => {
  const built = 1_800_000_000;
  const sources = { 'src/index.ts': built - HOUR, 'src/emulator/server.ts': built - HOUR, 'reporters/md.ts': built - HOUR, 'suites/a.suite.ts': built - HOUR, 'tsconfig.json': built - HOUR, 'package.json': built - HOUR };

  it('is up to date when nothing compiled changed since the build record', () => {
    expect(staleReason(checkout(built, sources))).toBeUndefined();
  });

  it('is stale without a build record', () => {
    expect(staleReason(checkout(undefined, sources))).toBe(`no ${BUILD_RECORD}`);
  });

  it('names the first input newer than the build: a nested source, a suite, a tsconfig, the lock file, the compiler', () => {
    expect(staleReason(checkout(built, { ...sources, 'src/emulator/server.ts': built + 1 }))).toBe(join('src', 'emulator', 'server.ts'));
    expect(staleReason(checkout(built, { ...sources, 'suites/a.suite.ts': built + 1 }))).toBe(join('suites', 'a.suite.ts'));
    expect(staleReason(checkout(built, { ...sources, 'tsconfig.json': built + 1 }))).toBe('tsconfig.json');
    expect(staleReason(checkout(built, { ...sources, 'package-lock.json': built + 1 }))).toBe('package-lock.json');
    expect(staleReason(checkout(built, { ...sources, 'node_modules/typescript/package.json': built + 1 }))).toBe('node_modules/typescript/package.json');
  });

  it('is stale when a compiled folder changed (a file deleted or renamed there)', () => {
    const root = checkout(built, sources);
    utimesSync(join(root, 'src', 'emulator'), built + 1, built + 1);
    expect(staleReason(root)).toBe(join('src', 'emulator'));
  });

  it('leaves what tsc does not compile alone (tests, benches, the build output itself)', () => {
    expect(staleReason(checkout(built, { ...sources, 'test/unit/x.test.ts': built + 1, 'bench/a.bench.ts': built + 1, 'dist/src/index.js': built + 1 }))).toBeUndefined();
  });
});
