/** @module Runs the CLI in-process with captured output, as tests need it. */
import { spawn } from 'node:child_process';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wai-conformance <argv>` in-process; `stdin` is what standard input holds. */
export async function runCli(argv: string[], stdin: string | Uint8Array = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    stdin: async () => Buffer.from(stdin),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Runs the real CLI (from source) in its own process, as a user does, with a clean environment plus `env`. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Promise<Omit<CliResult, 'code'> & { code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', ...args], { env: { PATH: process.env.PATH ?? '', CI: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
