/** @module The per-user cache folder (parsed YAML, compiled validators): best-effort, private, outside the package and the user's project. */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Environment variable naming the cache folder; `off` (or empty) turns caching off. */
export const CACHE_DIR_VARIABLE = 'WAI_CONFORMANCE_CACHE_DIR';

/** Roots already checked, by path (null: not usable). */
const checked = new Map<string, string | null>();

/**
 * The cache root, created on first use, or undefined when there is none to trust. Compiled code is
 * loaded from here, so the folder must be ours alone: owned by this user and writable by no one else
 * (a folder another user made in a shared temp dir is ignored, not used).
 */
function cacheRoot(): string | undefined {
  const configured = process.env[CACHE_DIR_VARIABLE];
  const dir = configured === undefined ? join(tmpdir(), `wai-conformance-${process.getuid?.() ?? 'user'}`) : configured;
  if (dir === '' || dir === 'off') return undefined;
  const known = checked.get(dir);
  if (known !== undefined) return known ?? undefined;
  let root: string | null = null;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    const uid = process.getuid?.();
    if (stat.isDirectory() && (uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0))) root = dir;
  } catch {
    // unwritable: no cache, only slower
  }
  checked.set(dir, root);
  return root ?? undefined;
}

/** The cache folder for one kind of entry (`yaml`, `validators`), created; undefined when caching is off or impossible. */
export function cacheDir(kind: string): string | undefined {
  const base = cacheRoot();
  if (!base) return undefined;
  const dir = join(base, kind);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Writes a cache entry whole or not at all: a temporary file renamed over it, so concurrent processes never read half an
 * entry. A read-only or full folder only costs speed, so a failure is ignored (false).
 */
export function writeCacheEntry(file: string, data: string | Uint8Array): boolean {
  try {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The source files of a folder of this package's code (compiled `.js` or, from source, `.ts`; not `.d.ts`), sorted,
 * optionally only those whose name matches `only`: what a cache key built from code reads.
 */
export function sourceFiles(dir: string, only?: RegExp): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && (!only || only.test(f)))
    .sort()
    .map((f) => join(dir, f));
}

/** How long an entry no process has written again is kept, once a process writes to its folder. */
export const CACHE_ENTRY_DAYS = 14;

/** Folders pruned by this process. */
const pruned = new Set<string>();

/**
 * Removes, once per process and folder, the entries written more than {@link CACHE_ENTRY_DAYS} days ago. Entries are
 * keyed by digests of what made them, so every change to spec/ or to the package leaves its old entries unread
 * (tens of thousands of them after weeks of work); an entry still in use that goes is only made again. Called by a
 * process that writes an entry (one that had something to compile), never on a run whose entries were all there.
 */
export function pruneOld(dir: string, now = Date.now()): void {
  if (pruned.has(dir)) return;
  pruned.add(dir);
  const before = now - CACHE_ENTRY_DAYS * 24 * 3600 * 1000;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = join(dir, name);
    try {
      if (statSync(file).mtimeMs < before) rmSync(file, { force: true });
    } catch {
      // gone already (another process pruning), or not ours to remove: left
    }
  }
}
