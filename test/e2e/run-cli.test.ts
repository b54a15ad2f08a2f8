import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reporters/report-schema.js';

/** Runs the real CLI (from source) the way a user does, with a clean environment unless given one. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', ...args], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', CI: 'true', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'wai-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wai-conformance run', () => {
  it('--list prints the plan and its request count, sending nothing', async () => {
    const result = await cli(['run', '--list', '--models', '@cf/baai/bge-base-en-v1.5']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^text-embeddings \(2 cases\)$/m);
    expect(result.stdout).toMatch(/cases over 1 models; at most \d+ requests/);
  });

  it('a live run without credentials is a usage error and sends nothing', async () => {
    const result = await cli(['run', '--target', 'live', '--account-id', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/CLOUDFLARE_API_TOKEN/);
  });

  it('rejects bad flags with exit 2', async () => {
    expect((await cli(['run', '--checks', 'no.such-check'])).code).toBe(2);
    expect((await cli(['run', '--target', 'url'])).code).toBe(2);
    expect((await cli(['run', '--runs', 'many'])).code).toBe(2);
    const coverage = await cli(['run', '--min-coverage', 'inputs=90']);
    expect(coverage.code).toBe(2);
    expect(coverage.stderr).toMatch(/--min-coverage: unknown facet "inputs"/);
    expect((await cli(['run', '--min-coverage', '120'])).code).toBe(2);
  });

  it('--min-coverage: a run that covers less exits 1, naming the facet, the figure and the threshold', async () => {
    const result = await cli(['run', '--models', '@cf/huggingface/distilbert-sst-2-int8', '--tasks', 'text-classification', '--seed', '7', '--report-dir', join(dir, 'gate'), '--reporters', 'json', '--min-coverage', 'statuses=100,checks=50']);
    expect(result.stderr).toMatch(/passed, 0 failed/);
    expect(result.stderr).toMatch(/coverage statuses is [\d.]+% \(\d+ of \d+ items\), below --min-coverage statuses=100%/);
    expect(result.stderr).not.toMatch(/coverage checks/);
    expect(result.code).toBe(1);
  });

  it('runs the suites on the emulator, writes the reports, exits 0; a fault makes it exit 1', async () => {
    const clean = join(dir, 'clean');
    const result = await cli(['run', '--models', '@cf/baai/bge-base-en-v1.5,@cf/huggingface/distilbert-sst-2-int8', '--seed', '7', '--report-dir', clean]);
    expect(result.stderr).toMatch(/passed, 0 failed/);
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(join(clean, 'conformance.json'), 'utf8'));
    expect(validateReport(report)).toEqual([]);
    expect(report).toMatchObject({ seed: 7, complete: true, target: { kind: 'emulator' }, summary: { failed: 0 } });
    expect(report.results.length).toBeGreaterThan(10);
    for (const file of ['junit.xml', 'summary.md', 'report.html']) expect(readFileSync(join(clean, file), 'utf8').length).toBeGreaterThan(100);

    const faulty = join(dir, 'faulty');
    const broken = await cli(['run', '--models', '@cf/huggingface/distilbert-sst-2-int8', '--tasks', 'text-classification', '--fault', 'score-out-of-range', '--seed', '7', '--report-dir', faulty, '--reporters', 'json']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/✗ @cf\/huggingface\/distilbert-sst-2-int8 output\.(schema|semantics)/);
    const faultyReport = JSON.parse(readFileSync(join(faulty, 'conformance.json'), 'utf8'));
    expect(validateReport(faultyReport)).toEqual([]);
    const failed = faultyReport.results.filter((r: { status: string }) => r.status === 'failed');
    expect(failed[0].failures[0].reproduce).toMatch(/^wai-conformance run --target emulator --models @cf\/huggingface\/distilbert-sst-2-int8 --checks output\.\S+ --seed 7$/);
  }, 120_000);

  it('never exceeds --max-requests and reports the run incomplete (exit 3)', async () => {
    const out = join(dir, 'budget');
    const result = await cli(['run', '--max-requests', '5', '--seed', '3', '--report-dir', out, '--reporters', 'json']);
    expect(result.code).toBe(3);
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8'));
    expect(validateReport(report)).toEqual([]);
    expect(report.complete).toBe(false);
    expect(report.summary.requests).toBeLessThanOrEqual(5);
  }, 120_000);
});

// Concurrent: each is a whole CLI run (vitest start-up included), and they share nothing but the folder.
describe.concurrent('wai-conformance run: errors and warnings', () => {
  // bge-small's input has established rules (required, type) and documented-only ones (string and array lengths).
  const base = ['run', '--models', '@cf/baai/bge-small-en-v1.5', '--checks', 'status.client-error', '--runs', '8', '--seed', '42', '--reporters', 'json'];

  it('a target accepting documented-only-invalid input gets warnings (exit 0)', async () => {
    const out = join(dir, 'warnings');
    const result = await cli([...base, '--fault', 'accept-unenforced-input', '--report-dir', out]);
    expect(result.stderr).toMatch(/⚠ @cf\/baai\/bge-small-en-v1\.5 status\.client-error: .*the invalid input was accepted .*: documented\]/);
    expect(result.stderr).toMatch(/0 failed, 1 warnings \(not counted; --strict counts them\)/);
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8'));
    expect(validateReport(report)).toEqual([]);
    expect(report.summary).toMatchObject({ failed: 1, warnings: 1 });
    expect(report.results.find((r: { status: string }) => r.status === 'failed')).toMatchObject({ check: 'status.client-error', severity: 'warning' });
  });

  it('--strict counts the warnings (exit 1)', async () => {
    const strict = await cli([...base, '--fault', 'accept-unenforced-input', '--report-dir', join(dir, 'strict'), '--strict']);
    expect(strict.stderr).toMatch(/1 warnings \(counted: --strict\)/);
    expect(strict.code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'strict', 'conformance.json'), 'utf8')).settings.strict).toBe(true);
  });

  it('a target accepting input that breaks an established rule gets an error (exit 1)', async () => {
    const out = join(dir, 'errors');
    const result = await cli([...base, '--fault', 'accept-invalid-input', '--report-dir', out]);
    expect(result.stderr).toMatch(/✗ @cf\/baai\/bge-small-en-v1\.5 status\.client-error: .*the invalid input was accepted/);
    expect(result.code).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8'));
    expect(report.results.find((r: { status: string }) => r.status === 'failed')).toMatchObject({ severity: 'error' });
    expect(report.summary.warnings).toBe(0);
  });
});
