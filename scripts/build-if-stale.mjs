#!/usr/bin/env node
/**
 * `npm start`'s build step: runs `tsc -b tsconfig.build.json` only when something it compiles changed since the last
 * build. `tsc -b` decides that itself, but loading the compiler to find nothing to do took ~0.8 s of every
 * `npm start` (a fifth of a default run); the file dates this checks take ~20 ms.
 *
 * Stale means: no build record (`dist/tsconfig.build.tsbuildinfo`), or a file under the compiled folders, a tsconfig,
 * package.json, package-lock.json or the installed compiler's package.json newer than that record. Anything stale goes
 * to `tsc -b`, which then rebuilds exactly what changed. Plain JavaScript, so it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folders tsconfig.build.json compiles (its `include`), and the files whose change changes the build. */
export const COMPILED_FOLDERS = ['src', 'reporters', 'suites'];
export const BUILD_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'node_modules/typescript/package.json'];
export const BUILD_RECORD = 'dist/tsconfig.build.tsbuildinfo';

/** Modification time in ms, or undefined when the path does not exist. */
function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The first file or folder under `folder` modified after `since`, or undefined. */
function newerUnder(folder, since) {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    // A folder's own date counts: deleting or renaming a file in it changes it.
    if ((mtimeOf(path) ?? Number.POSITIVE_INFINITY) > since) return path;
    if (entry.isDirectory()) {
      const found = newerUnder(path, since);
      if (found) return found;
    }
  }
  return undefined;
}

/** Why the build in `root` is stale (the missing record, or the first newer input found), or undefined when it is up to date. */
export function staleReason(root) {
  const built = mtimeOf(join(root, BUILD_RECORD));
  if (built === undefined) return `no ${BUILD_RECORD}`;
  for (const file of BUILD_FILES) {
    const changed = mtimeOf(join(root, file));
    if (changed !== undefined && changed > built) return file;
  }
  for (const folder of COMPILED_FOLDERS) {
    const path = join(root, folder);
    if ((mtimeOf(path) ?? 0) > built) return folder;
    const found = newerUnder(path, built);
    if (found) return relative(root, found);
  }
  return undefined;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (staleReason(root) !== undefined) {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    process.exit(result.status ?? 1);
  }
}
