/**
 * @module The built CLI's `run` (as `npm start` runs it) runs the suites in its own thread (src/cli/in-thread-pool.ts):
 * the same results as the suites run from source in vitest's worker thread, and the process is left as it was.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { preparePackageFor, ROOT } from '../helpers/built-package.js';

const dir = mkdtempSync(join(tmpdir(), 'wai-run-built-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function node(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The report without what differs between two runs of the same seed: times, ports, the run's token, result order. */
function comparable(file: string): unknown {
  const report = JSON.parse(readFileSync(file, 'utf8'), (key, value: unknown) => (['latency', 'startedAt', 'durationMs', 'finishedAt'].includes(key) ? undefined : value)) as { results: unknown[] };
  const text = (value: unknown) => JSON.stringify(value).replace(/127\.0\.0\.1:\d+/g, 'HOST').replace(/wai-run-[0-9a-f]+/g, 'TOKEN');
  return JSON.parse(text({ ...report, results: report.results.map(text).sort() }));
}

const MODELS = '@cf/baai/bge-base-en-v1.5,@cf/huggingface/distilbert-sst-2-int8';

test('the built run (suites in the CLI thread) reports what the source run (a worker thread) does, and restores the process', async () => {
  preparePackageFor(join(ROOT, 'examples/vitest-pool-workers'));
  const args = ['run', '--models', MODELS, '--seed', '11', '--reporters', 'json'];
  // The built CLI, imported by a script that then looks at what the suites' runtime changed in its process (the
  // variables vitest's worker sets; vitest's own side sets NODE_ENV, MODE, DEV... in a threads run too).
  const script = `
    const exit = process.exit, console0 = globalThis.console;
    const errorListeners = process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
    const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/cli/main.js')).href)});
    const code = await main(${JSON.stringify([...args, '--report-dir', join(dir, 'built')])});
    process.stdout.write(JSON.stringify({ code, exit: process.exit === exit, console: globalThis.console === console0,
      env: ['VITEST', 'TEST', 'VITEST_MODE', 'SSR', 'VITEST_POOL_ID', 'VITEST_WORKER_ID'].filter((k) => k in process.env).join(),
      errorListeners: process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length === errorListeners }));`;
  const [built, source] = await Promise.all([
    node(['--input-type=module', '-e', script]),
    node(['--import', 'tsx', 'src/cli/run-cli.ts', ...args, '--report-dir', join(dir, 'source')]),
  ]);
  expect(source.code, source.stderr).toBe(0);
  expect(JSON.parse(built.stdout || '{}'), built.stderr).toEqual({ code: 0, exit: true, console: true, env: '', errorListeners: true });
  expect(comparable(join(dir, 'built', 'conformance.json'))).toEqual(comparable(join(dir, 'source', 'conformance.json')));
}, 240_000);
