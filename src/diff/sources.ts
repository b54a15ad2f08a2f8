/**
 * @module Where `diff` finds the two contracts: a directory (the contract itself, or a folder with
 * `spec/` in it), or a git revision of the repository, exported to a temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';

/** A contract source that cannot be used (unreadable directory, unknown revision): a usage error. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

export interface ContractSource {
  /** What the report calls it: the directory as given, or `REV (abbreviated commit)`. */
  label: string;
  /** The contract directory (holds openapi.yaml). */
  dir: string;
  /** Removes what was exported; a no-op for directories. */
  cleanup: () => void;
  /** For an exported revision: how to name the contract's files in messages (`REV:spec`), the export being temporary. */
  displayRoot?: string;
}

export interface SourceOptions {
  /** The contract's folder inside a project directory, or inside the repository (from its root) for a revision (default `spec`). */
  specPath: string;
  /** Where git revisions are looked up (default: the working directory). */
  repo: string;
}

const isContractDir = (dir: string) => existsSync(join(dir, 'openapi.yaml'));

function git(args: string[], cwd: string, input?: Buffer): { ok: boolean; stdout: Buffer; stderr: string } {
  const result = spawnSync('git', args, { cwd, input, maxBuffer: 512 * 1024 * 1024 });
  return { ok: result.status === 0 && !result.error, stdout: result.stdout ?? Buffer.alloc(0), stderr: (result.stderr?.toString() ?? result.error?.message ?? '').trim() };
}

/** The commit `rev` names in `repo`, or undefined. */
export function resolveRevision(rev: string, repo: string): string | undefined {
  if (rev === '' || rev.startsWith('-')) return undefined;
  const result = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], repo);
  return result.ok ? result.stdout.toString().trim() : undefined;
}

/** Exports `specPath` at `commit` of the repository around `repo` into a temporary directory. */
function exportRevision(rev: string, commit: string, options: SourceOptions): ContractSource {
  const top = git(['rev-parse', '--show-toplevel'], options.repo);
  if (!top.ok) throw new SourceError(`${options.repo} is not in a git repository: ${top.stderr}`);
  const root = top.stdout.toString().trim();
  // A revision is read like a project directory: --spec-path is relative to the repository's root.
  const absolute = isAbsolute(options.specPath) ? options.specPath : resolve(root, options.specPath);
  const inRepo = relative(root, absolute).split(sep).join(posix.sep);
  if (inRepo.startsWith('..')) throw new SourceError(`--spec-path ${options.specPath} is outside the repository ${root}`);
  const tmp = mkdtempSync(join(tmpdir(), 'wai-diff-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    const archive = git(['archive', '--format=tar', commit, '--', inRepo || '.'], root);
    if (!archive.ok) throw new SourceError(`cannot export ${inRepo || '.'} at ${rev}: ${archive.stderr}`);
    const tar = spawnSync('tar', ['-x', '-C', tmp], { input: archive.stdout, maxBuffer: 64 * 1024 * 1024 });
    if (tar.status !== 0) throw new SourceError(`cannot unpack ${inRepo} at ${rev}: ${(tar.stderr?.toString() ?? tar.error?.message ?? '').trim()}`);
    const dir = join(tmp, inRepo);
    if (!isContractDir(dir)) throw new SourceError(`${rev} has no contract at ${inRepo || '.'}/ (no openapi.yaml)`);
    return { label: `${rev} (${commit.slice(0, 12)})`, dir, cleanup, displayRoot: `${rev}:${inRepo || '.'}` };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * Finds the contract `arg` names: `git:REV`; an existing directory (the contract, or one with
 * `<specPath>/openapi.yaml`); or else anything git resolves to a commit in `options.repo`.
 */
export function resolveSource(arg: string, options: SourceOptions): ContractSource {
  if (arg.startsWith('git:')) {
    const rev = arg.slice('git:'.length);
    const commit = resolveRevision(rev, options.repo);
    if (!commit) throw new SourceError(`"${rev}" is not a git revision of the repository at ${options.repo}`);
    return exportRevision(rev, commit, options);
  }
  const path = resolve(arg);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new SourceError(`${arg} is not a directory (expected a contract directory or a git revision)`);
    if (isContractDir(path)) return { label: arg, dir: path, cleanup: () => {} };
    const nested = join(path, options.specPath);
    if (isContractDir(nested)) return { label: arg, dir: nested, cleanup: () => {} };
    throw new SourceError(`${arg} holds no contract (no openapi.yaml in it or in ${join(arg, options.specPath)})`);
  }
  const commit = resolveRevision(arg, options.repo);
  if (commit) return exportRevision(arg, commit, options);
  throw new SourceError(`${arg} is neither a contract directory nor a git revision of the repository at ${options.repo}`);
}
