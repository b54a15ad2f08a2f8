/** End to end: `wai-conformance mock` as a process (from source, via tsx): ready line, one request, clean exit. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = 'src/cli/run-cli.ts';

function cli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

function collect(child: ChildProcessWithoutNullStreams): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return { out: () => out, err: () => err };
}

/** Resolves with stdout once it holds a complete first line. */
function firstLine(child: ChildProcessWithoutNullStreams, output: { out: () => string; err: () => string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const text = output.out();
      if (text.includes('\n')) resolve(text);
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing: ${output.err()}`)));
    check();
  });
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('wai-conformance mock', () => {
  it('prints the listening line, serves a request, and exits 0 on SIGTERM', async () => {
    const child = cli(['mock', '--port', '0', '--token', 'e2e-token']);
    children.push(child);
    const output = collect(child);
    const text = await firstLine(child, output);
    expect(text).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = text.trim().slice('listening on '.length);

    const answer = await request(`${url}/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/ai/run/@cf/meta/llama-3.1-8b-instruct-fp8`, {
      method: 'POST',
      headers: { authorization: 'Bearer e2e-token', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Where did the phrase Hello World come from?' }),
    });
    const body = (await answer.body.json()) as { success: boolean };
    expect(answer.statusCode).toBe(200);
    expect(body.success).toBe(true);

    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(output.err()).toBe('');
  }, 60_000);

  it('stops on SIGINT too, with keep-alive connections open', async () => {
    const child = cli(['mock', '--port', '0', '--fault', 'latency=1']);
    children.push(child);
    const output = collect(child);
    const url = (await firstLine(child, output)).trim().slice('listening on '.length);
    const answer = await request(`${url}/client/v4/accounts/a/ai/tasks/search`, { headers: { authorization: 'Bearer t' } });
    await answer.body.dump();
    expect(answer.statusCode).toBe(200);
    child.kill('SIGINT');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('lists every fault in --help and rejects unknown faults and bad ports with exit code 2', async () => {
    const help = cli(['mock', '--help']);
    children.push(help);
    const helpOut = collect(help);
    expect((await exited(help)).code).toBe(0);
    expect(helpOut.out()).toContain('stream-cut');
    expect(helpOut.out()).toContain('cache-always-miss');

    for (const args of [['mock', '--fault', 'no-such-fault'], ['mock', '--port', 'eighty'], ['mock', '--bogus']]) {
      const child = cli(args);
      children.push(child);
      const output = collect(child);
      expect((await exited(child)).code, args.join(' ')).toBe(2);
      expect(output.err()).toContain('wai-conformance mock');
    }
  }, 60_000);
});
