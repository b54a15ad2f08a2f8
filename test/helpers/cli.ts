/** @module Runs the CLI in-process with captured output, as tests need it. */
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
