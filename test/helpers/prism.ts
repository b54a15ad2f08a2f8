/** @module Starts Stoplight Prism (`prism mock`) on a free port for the end-to-end tests, and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = `${ROOT}node_modules/.bin/prism`;

/** Why Prism cannot run here, or undefined when it can be started. */
export function prismUnavailable(): string | undefined {
  return existsSync(BIN) ? undefined : `Prism is not installed (${BIN} is missing; it is the devDependency @stoplight/prism-cli)`;
}

/** A free TCP port on 127.0.0.1 (free when asked; Prism binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running Prism mock server. */
export interface RunningPrism {
  /** `http://127.0.0.1:PORT`: the API root, as `--base-url` wants it for Prism. */
  url: string;
  port: number;
  /** Everything Prism printed so far (its request log included). */
  output(): string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Runs `prism mock SPEC -h 127.0.0.1 -p PORT` and waits until it answers HTTP (polling; any status counts:
 * Prism answers 404 for paths the document lacks). Rejects with Prism's output if it exits or is not up in time.
 */
export async function startPrism(spec = 'spec/openapi.yaml', timeoutMs = 30_000): Promise<RunningPrism> {
  const port = await freePort();
  // The bin is a node script: run it with this node, so no shell or PATH lookup is involved.
  const child = spawn(process.execPath, [realpathSync(BIN), 'mock', spec, '-h', '127.0.0.1', '-p', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exited(child).then(() => true), sleep(3000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited(child);
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`prism mock ${spec} exited (${child.exitCode ?? child.signalCode}) before serving:\n${output.slice(-4000)}`);
    try {
      const answer = await request(`${url}/`, { method: 'GET', headersTimeout: 1000, bodyTimeout: 1000 });
      await answer.body.dump();
      return { url, port, output: () => output, stop };
    } catch {
      await sleep(100);
    }
  }
  await stop();
  throw new Error(`prism mock ${spec} did not answer on ${url} within ${timeoutMs} ms:\n${output.slice(-4000)}`);
}
