/**
 * @module The verdicts of invalid-case probes (`probeCase`), kept on disk in the per-user cache folder.
 *
 * A case under anyOf/oneOf is kept only once a probe (a draw and an oracle run on a fixed seed) finds a value the
 * contract rejects. A default run probes ~3,200 such cases, about a tenth of its time, and gets the same verdicts every
 * time: they follow from the contract, the model's case list and the code that draws and judges. So they are stored
 * under a key made of exactly those, and a run whose verdicts are all there probes nothing. Any change to spec/, to
 * this folder's or the contract's code, or to fast-check or ajv probes afresh; every failure (no cache folder, an
 * unreadable or broken entry, a full disk) only falls back to probing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, pruneOld, sourceFiles, writeCacheEntry } from '../contract/cache-dir.js';

/** Bumped when what an entry holds changes meaning. */
const FORMAT = 1;

/** What identifies a probed case within its model's list: the rule it breaks, where, and how strongly it is enforced. */
export interface ProbeSubject {
  rule: string;
  pointer: string;
  schemaLocation: string;
  enforcement: { class: string };
}

let fingerprint: string | undefined;

/**
 * The code a verdict depends on beyond the contract's digest (which already covers src/contract, the modules that judge
 * cases: the resolver's source is part of it): the modules that draw cases (this folder, and the media and random
 * source it imports), fast-check, and ajv.
 */
function codeFingerprint(): string {
  if (fingerprint === undefined) {
    const hash = createHash('sha256');
    const here = dirname(fileURLToPath(import.meta.url));
    const root = join(here, '..');
    const files = [...sourceFiles(here), ...sourceFiles(join(root, 'media')), ...sourceFiles(join(root, 'emulator'), /^rng\./)];
    for (const file of files) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
    const require = createRequire(import.meta.url);
    for (const name of ['fast-check', 'ajv']) hash.update(`${name}@${(require(`${name}/package.json`) as { version: string }).version}\0`);
    fingerprint = hash.digest('hex');
  }
  return fingerprint;
}

function entryFile(dir: string, contractDigest: string, scope: string, subjects: readonly ProbeSubject[]): string {
  const hash = createHash('sha256').update(`${FORMAT}\0${codeFingerprint()}\0${contractDigest}\0${scope}\0`);
  for (const s of subjects) hash.update(`${s.rule}\0${s.pointer}\0${s.schemaLocation}\0${s.enforcement.class}\n`);
  return join(dir, `${hash.digest('hex')}.txt`);
}

/**
 * The verdict of every subject, in order: read from the disk cache when this very list was probed before under the same
 * contract and code, else `probe(i)` for each and stored. `contractDigest` undefined (a contract not loaded from files)
 * or caching off: probed, nothing stored.
 */
export function probeVerdicts(contractDigest: string | undefined, scope: string, subjects: readonly ProbeSubject[], probe: (index: number) => boolean): boolean[] {
  const probeAll = (): boolean[] => subjects.map((_, i) => probe(i));
  const dir = contractDigest === undefined || subjects.length === 0 ? undefined : cacheDir('probes');
  if (!dir) return probeAll();
  const file = entryFile(dir, contractDigest!, scope, subjects);
  try {
    const text = readFileSync(file, 'latin1');
    if (text.length === subjects.length && /^[01]*$/.test(text)) return Array.from(text, (c) => c === '1');
  } catch {
    // not probed before (or unreadable): probe
  }
  const verdicts = probeAll();
  writeCacheEntry(file, verdicts.map((v) => (v ? '1' : '0')).join('')); // unwritten: probed again next time
  pruneOld(dir);
  return verdicts;
}
