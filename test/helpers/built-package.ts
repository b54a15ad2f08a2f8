/** @module Makes the package importable by name from an example project: dist/ up to date, and a link to the package. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : entry.name.endsWith('.ts') ? statSync(path).mtimeMs : 0);
  }
  return newest;
}

/**
 * Runs `npm run build` when dist/ is older than the sources (CI's `npm ci` builds it through `prepare`, so there it is
 * fresh), then links `examples/NAME/node_modules/workers-ai-conformance` to the package root, as an install would.
 */
export function preparePackageFor(exampleDir: string): void {
  const built = join(ROOT, 'dist/src/index.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'reporters')));
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'pipe' });
  }
  const modules = join(exampleDir, 'node_modules');
  const link = join(modules, 'workers-ai-conformance');
  if (!existsSync(link)) {
    mkdirSync(modules, { recursive: true });
    symlinkSync(relative(modules, ROOT), link, 'dir');
  }
}
