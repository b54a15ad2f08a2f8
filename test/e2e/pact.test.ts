/** End to end: `pact export` → Pact's own Verifier against the emulator (faithful, faulty, unreachable), and the report it writes. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reporters/report-schema.js';
import { pactCommand } from '../../src/cli/commands/pact.js';
import type { Io } from '../../src/cli/output.js';
import { EXIT } from '../../src/cli/usage-error.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ProviderUnreachableError, verifyPacts } from '../../src/pact/verify.js';

const MODELS = '@cf/meta/llama-3.1-8b-instruct,@cf/huggingface/distilbert-sst-2-int8,@cf/stabilityai/stable-diffusion-xl-base-1.0';
const TOKEN = 'pact-e2e-token';
const dir = mkdtempSync(join(tmpdir(), 'wai-pact-e2e-'));
const pacts = join(dir, 'pacts');
let emulator: RunningEmulator;

async function pact(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), stdin: async () => Buffer.alloc(0) };
  return { code: await pactCommand(argv, io, env), stdout, stderr };
}

beforeAll(async () => {
  const exported = await pact(['export', '--models', MODELS, '--out', pacts, '--consumer', 'e2e-app']);
  expect(exported.code, exported.stderr).toBe(EXIT.ok);
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN });
});

afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pact export → verify', () => {
  it('exports one V4 file for the consumer', () => {
    expect(readdirSync(pacts)).toEqual(['e2e-app-workers-ai.json']);
    expect(JSON.parse(readFileSync(join(pacts, 'e2e-app-workers-ai.json'), 'utf8')).interactions).toHaveLength(7);
  });

  it('verifies against the emulator: every interaction passes, the token injected only where the pact sends credentials', async () => {
    const outcome = await verifyPacts({
      pacts,
      providerBaseUrl: `${emulator.url}/client/v4`,
      layout: { kind: 'rest', accountId: 'any-account' },
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(outcome.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(outcome.passed).toBe(7);
    const auth = outcome.results.find((r) => r.description.includes('without credentials'))!;
    expect(auth.response?.status).toBe(401);
    const image = outcome.results.find((r) => r.description.includes('stable-diffusion-xl-base-1.0: a valid request'))!;
    expect(image.response?.body).toMatchObject({ kind: 'binary', contentType: 'image/png' });
  });

  it('fails against the emulator with a fault, naming the interactions, and writes the report', async () => {
    const reports = join(dir, 'reports');
    const result = await pact(['verify', '--pacts', pacts, '--fault', 'envelope-shape', '--report-dir', reports]);
    expect(result.code).toBe(EXIT.nonConformant);
    expect(result.stdout).toContain(`FAIL  @cf/meta/llama-3.1-8b-instruct: a valid request is answered with the model's output`);
    expect(result.stdout).toContain('missing the following keys: success');
    expect(result.stdout).toContain('PASS  @cf/stabilityai/stable-diffusion-xl-base-1.0: a valid request is answered with image/png bytes');
    expect(result.stdout).toContain('7 interactions: 5 passed, 2 failed');
    const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
    expect(validateReport(report)).toEqual([]);
    expect(report.summary).toMatchObject({ checks: 7, passed: 5, failed: 2 });
    const failed = report.results.filter((r: { status: string }) => r.status === 'failed');
    expect(failed.map((r: { model: string; check: string }) => `${r.model} ${r.check}`).sort()).toEqual(['@cf/huggingface/distilbert-sst-2-int8 output.schema', '@cf/meta/llama-3.1-8b-instruct output.schema']);
    expect(failed[0].failures[0].request.headers.authorization).toBe('[REDACTED]');
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  it('verifies a running server as a url target with credentials from the environment', async () => {
    const result = await pact(['verify', '--pacts', pacts, '--target', 'url', '--base-url', `${emulator.url}/client/v4`], { CLOUDFLARE_API_TOKEN: TOKEN });
    expect(result.code, result.stdout + result.stderr).toBe(EXIT.ok);
    expect(result.stdout).toContain('7 interactions: 7 passed, 0 failed');
  });

  it('exits 3 when the target is unreachable and 2 for usage errors', async () => {
    await expect(verifyPacts({ pacts, providerBaseUrl: 'http://127.0.0.1:9/client/v4', layout: { kind: 'rest', accountId: 'a' }, headers: {} })).rejects.toBeInstanceOf(ProviderUnreachableError);
    expect((await pact(['verify', '--pacts', pacts, '--target', 'url', '--base-url', 'http://127.0.0.1:9/client/v4'])).code).toBe(EXIT.incomplete);
    await expect(pact(['verify', '--pacts', pacts, '--fault', 'no-such-fault'])).rejects.toThrow(/unknown fault/);
    await expect(pact(['verify'])).rejects.toThrow(/--pacts/);
    expect((await pact(['verify', '--pacts', join(dir, 'nothing-here')])).code).toBe(EXIT.usage);
  });
});
