import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'wai-safety-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', ...args], { env: { PATH: process.env.PATH ?? '', CI: 'true', ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Starts `wai-conformance mock` with a token and resolves its URL. */
async function mock(token: string): Promise<{ url: string; stop: () => void }> {
  const server = start(['mock', '--port', '0', '--token', token]);
  for (let i = 0; i < 200 && !/listening on (\S+)/.test(server.output().stdout); i++) await new Promise((r) => setTimeout(r, 50));
  const url = /listening on (\S+)/.exec(server.output().stdout)?.[1];
  if (!url) throw new Error(`mock did not start: ${server.output().stderr}`);
  return { url, stop: () => server.child.kill('SIGTERM') };
}

function everyFile(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? everyFile(path) : [path];
  });
}

describe('safety of a run', () => {
  it('never writes the credential: a canary token appears in no report, cassette, log or output byte', async () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}-token`;
    const server = await mock(canary);
    const out = join(dir, 'canary');
    const run = start(['run', '--target', 'url', '--base-url', `${server.url}/client/v4`, '--models', '@cf/meta/llama-3.2-1b-instruct,@cf/baai/bge-small-en-v1.5', '--seed', '5', '--report-dir', out, '--record', join(out, 'run.har')], {
      CLOUDFLARE_API_TOKEN: canary,
    });
    const code = await run.done;
    server.stop();
    const { stdout, stderr } = run.output();
    expect(stderr).toMatch(/passed/);
    expect(code).toBe(0); // the emulator accepted the canary: it really was sent
    const files = everyFile(out);
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(['conformance.json', 'junit.xml', 'report.html', 'run.har', 'summary.md']);
    for (const file of files) expect(readFileSync(file, 'latin1').includes(canary), file).toBe(false);
    // The cassette holds every exchange, credentials redacted exactly as in the reports.
    const cassette = JSON.parse(readFileSync(join(out, 'run.har'), 'utf8'));
    expect(cassette.log.entries.length).toBeGreaterThan(10);
    for (const entry of cassette.log.entries) {
      const authorization = entry.request.headers.find((h: { name: string }) => h.name === 'authorization');
      if (entry._wai.auth !== 'none') expect(authorization?.value).toBe('[REDACTED]');
    }
    expect(stdout.includes(canary) || stderr.includes(canary)).toBe(false);
  }, 120_000);

  it('SIGINT stops the run, still writes what finished, marked incomplete (exit 3)', async () => {
    const out = join(dir, 'interrupted');
    const run = start(['run', '--seed', '9', '--report-dir', out, '--reporters', 'json', '--concurrency', '2']);
    for (let i = 0; i < 600 && !/cases, \d+ failures/.test(run.output().stderr); i++) await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGINT');
    const code = await run.done;
    expect(code).toBe(3);
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8'));
    expect(report.complete).toBe(false);
    expect(report.incompleteReason).toMatch(/interrupted/);
    expect(report.results.length).toBeGreaterThan(0);
  }, 120_000);

  it('a target that dies mid-run still gets its reports, marked incomplete (exit 3)', async () => {
    const server = await mock('die-token');
    const out = join(dir, 'died');
    const run = start(['run', '--target', 'url', '--base-url', `${server.url}/client/v4`, '--seed', '4', '--report-dir', out, '--reporters', 'json', '--concurrency', '2'], { CLOUDFLARE_API_TOKEN: 'die-token' });
    for (let i = 0; i < 600 && !/cases, \d+ failures/.test(run.output().stderr); i++) await new Promise((r) => setTimeout(r, 50));
    server.stop();
    const code = await run.done;
    expect(code).toBe(3);
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8'));
    expect(report.complete).toBe(false);
    expect(report.incompleteReason).toMatch(/stopped answering/);
  }, 180_000);
});
