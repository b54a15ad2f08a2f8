import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { diffCommand } from '../../../src/cli/commands/diff.js';
import type { Io } from '../../../src/cli/output.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { ContractError } from '../../../src/contract/errors.js';
import { defaultSpecDir } from '../../../src/contract/files.js';
import type { DiffEntry } from '../../../src/diff/types.js';

const SPEC = defaultSpecDir();
const root = mkdtempSync(join(tmpdir(), 'wai-diff-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `diff` in-process; usage and contract errors give exit 2 as main does. */
async function diff(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), stdin: async () => Buffer.alloc(0) };
  try {
    return { code: await diffCommand(argv, io), stdout, stderr };
  } catch (error) {
    if (error instanceof UsageError || error instanceof ContractError) return { code: 2, stdout, stderr: stderr + (error as Error).message };
    throw error;
  }
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8'));
const readYaml = (file: string): Json => parseYaml(readFileSync(file, 'utf8'));

const REMOVED = '@cf/microsoft/phi-2';
const DETR = '@cf/facebook/detr-resnet-50';
const BGE = '@cf/baai/bge-base-en-v1.5';
const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const DISTILBERT = '@cf/huggingface/distilbert-sst-2-int8';

/** Applies the edits of the end-to-end scenario to a copy of spec/ at `dir`. */
function editContract(dir: string): void {
  // 1. a model removed from the generated index
  const indexFile = join(dir, 'models/generated/index.json');
  const index = readJson(indexFile);
  index.models = index.models.filter((m: { id: string }) => m.id !== REMOVED);
  writeFileSync(indexFile, JSON.stringify(index, null, 2));

  // 2. a new required input property in a task (detr-resnet-50 uses the task's input)
  const odFile = join(dir, 'tasks/object-detection.yaml');
  const od = readYaml(odFile);
  od.$defs.input.oneOf[1].properties.threshold = { type: 'number', minimum: 0, maximum: 1 };
  od.$defs.input.oneOf[1].required.push('threshold');
  writeFileSync(odFile, stringifyYaml(od));

  // 3. an input enum narrowed, 6. an output property removed (generated model schemas)
  const bgeFile = join(dir, 'models/generated/@cf__baai__bge-base-en-v1.5.json');
  const bge = readJson(bgeFile);
  bge.$defs.input.anyOf[0].properties.pooling.enum = ['mean'];
  writeFileSync(bgeFile, JSON.stringify(bge, null, 2));
  const distilFile = join(dir, 'models/generated/@cf__huggingface__distilbert-sst-2-int8.json');
  const distil = readJson(distilFile);
  delete distil.$defs.output.items.properties.label;
  writeFileSync(distilFile, JSON.stringify(distil, null, 2));

  // 4. a maximum tightened in a task (copied into every text-generation model that has the property)
  const tgFile = join(dir, 'tasks/text-generation.yaml');
  const tg = readYaml(tgFile);
  for (const branch of tg.$defs.input.oneOf) if (branch.properties.temperature) branch.properties.temperature.maximum = 2;
  writeFileSync(tgFile, stringifyYaml(tg));

  // 5. streaming dropped for a model
  const overlayFile = join(dir, 'models/overlay.yaml');
  const overlay = readYaml(overlayFile);
  overlay.models[LLAMA].facts = { ...overlay.models[LLAMA].facts, streams: false };
  writeFileSync(overlayFile, stringifyYaml(overlay));

  // 7. an endpoint removed from openapi.yaml
  const openapiFile = join(dir, 'openapi.yaml');
  const openapi = readYaml(openapiFile);
  delete openapi.paths['/accounts/{account_id}/ai/v1/completions'];
  writeFileSync(openapiFile, stringifyYaml(openapi));
}

describe('wai-conformance diff (end to end)', () => {
  const oldDir = join(root, 'old');
  const newDir = join(root, 'new');
  let changes: DiffEntry[];
  let jsonRun: { code: number; stdout: string };

  beforeAll(async () => {
    cpSync(SPEC, oldDir, { recursive: true });
    cpSync(SPEC, newDir, { recursive: true });
    editContract(newDir);
    jsonRun = await diff([oldDir, newDir, '--format', 'json']);
    changes = JSON.parse(jsonRun.stdout).changes;
  });

  const find = (where: Partial<DiffEntry>) => changes.filter((c) => Object.entries(where).every(([k, v]) => (c as unknown as Record<string, unknown>)[k] === v));

  it('exits 1: something is breaking for clients', () => {
    expect(jsonRun.code).toBe(1);
    expect(JSON.parse(jsonRun.stdout)).toMatchObject({ failed: true, audience: 'client', failOn: 'breaking' });
  });

  it('reports the removed model', () => {
    expect(find({ model: REMOVED })).toEqual([expect.objectContaining({ kind: 'model-removed', scope: 'model', pointer: '', levels: { client: 'breaking', mock: 'warning' } })]);
  });

  it('reports the new required input property, for the task and for the model using it', () => {
    for (const where of [{ scope: 'task' as const, task: 'object-detection' }, { scope: 'model' as const, model: DETR }]) {
      const found = find({ ...where, part: 'input', pointer: '/oneOf/1/properties/threshold' });
      expect(found.map((c) => [c.kind, c.levels.client, c.levels.mock])).toEqual([
        ['property-added', 'info', 'warning'],
        ['required-added', 'breaking', 'info'],
      ]);
    }
  });

  it('reports the narrowed enum', () => {
    expect(find({ model: BGE, part: 'input' })).toEqual([
      expect.objectContaining({ kind: 'enum-value-removed', pointer: '/anyOf/0/properties/pooling/enum', values: ['cls'], levels: { client: 'breaking', mock: 'info' } }),
    ]);
  });

  it('reports the tightened maximum in the task and in each model it reaches', () => {
    const tightened = find({ kind: 'constraint-tightened', keyword: 'maximum' });
    expect(tightened.filter((c) => c.scope === 'task').map((c) => c.pointer)).toEqual(['/oneOf/0/properties/temperature/maximum', '/oneOf/1/properties/temperature/maximum']);
    const llama = tightened.filter((c) => c.model === LLAMA);
    expect(llama.length).toBeGreaterThan(0);
    for (const c of llama) {
      expect(c).toMatchObject({ part: 'input', before: 5, after: 2, levels: { client: 'breaking', mock: 'info' } });
      expect(c.pointer).toMatch(/\/properties\/temperature\/maximum$/);
    }
    expect(new Set(tightened.map((c) => c.model)).size).toBeGreaterThan(20);
  });

  it('reports streaming dropped', () => {
    expect(find({ model: LLAMA, kind: 'streaming-dropped' })).toEqual([expect.objectContaining({ pointer: '/facts/streams', before: true, after: false, levels: { client: 'breaking', mock: 'warning' } })]);
  });

  it('reports the removed output property', () => {
    expect(find({ model: DISTILBERT })).toEqual([expect.objectContaining({ kind: 'property-removed', part: 'output', pointer: '/items/properties/label', levels: { client: 'breaking', mock: 'info' } })]);
  });

  it('reports the removed endpoint of openapi.yaml', () => {
    expect(find({ scope: 'openapi', kind: 'path-removed' })).toEqual([expect.objectContaining({ pointer: '/paths/~1accounts~1{account_id}~1ai~1v1~1completions', levels: { client: 'breaking', mock: 'info' } })]);
  });

  it('reports nothing else breaking for clients', () => {
    const breaking = changes.filter((c) => c.levels.client === 'breaking');
    const explained = breaking.filter((c) => c.model === REMOVED || c.model === BGE || c.model === DISTILBERT || c.kind === 'streaming-dropped' || c.kind === 'path-removed' || c.keyword === 'maximum' || c.pointer.endsWith('/threshold'));
    expect(breaking.length - explained.length).toBe(0);
  });

  it('prints text with the model, the pointer and the level, folding a change repeated across models', async () => {
    const { code, stdout } = await diff([oldDir, newDir]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Contract diff: .*old → .*new$/m);
    expect(stdout).toMatch(/^client: \d+ breaking/m);
    expect(stdout).toContain('Breaking for clients');
    expect(stdout).toContain(`${REMOVED}: model removed (was text-generation)`);
    expect(stdout).toContain(`${BGE} input#/anyOf/0/properties/pooling/enum: enum value removed: "cls"`);
    expect(stdout).toContain(`${LLAMA} #/facts/streams: streaming dropped (streams: true → false)`);
    expect(stdout).toMatch(/^  input#\/properties\/temperature\/maximum: maximum tightened: 5 → 2\n {6}\d+ models: @cf\/.* and \d+ more$/m);
  });

  it('prints markdown', async () => {
    const { code, stdout } = await diff([oldDir, newDir, '--format', 'markdown', '--audience', 'both']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^## Contract diff:/);
    expect(stdout).toContain('| audience | breaking | warning | info |');
    expect(stdout).toContain('### Breaking for clients or mocks');
    expect(stdout).toContain(`| \`${REMOVED}\` | model removed (was text-generation) | breaking | warning |`);
  });

  it('grades for mocks with --audience mock, and --fail-on warning', async () => {
    // Every edit narrows what the API accepts or drops something it offered (the removed answer
    // property leaves an open object): a mock built on OLD is stale (warnings) but not wrong.
    const mock = await diff([oldDir, newDir, '--audience', 'mock', '--format', 'json']);
    const report = JSON.parse(mock.stdout);
    expect(report.changes.filter((c: DiffEntry) => c.levels.mock === 'breaking')).toEqual([]);
    expect(report.summary.mock.warning).toBeGreaterThan(0);
    expect(mock.code).toBe(0);
    expect((await diff([oldDir, newDir, '--audience', 'mock', '--fail-on', 'warning'])).code).toBe(1);
  });

  it('says "no changes" and exits 0 for identical contracts, in well under 2 s', async () => {
    const started = performance.now();
    const { code, stdout } = await diff([SPEC, oldDir]);
    const elapsed = performance.now() - started;
    expect(code).toBe(0);
    expect(stdout).toContain('no changes');
    expect(elapsed).toBeLessThan(2000);
    const json = JSON.parse((await diff([SPEC, oldDir, '--format', 'json'])).stdout);
    expect(json).toMatchObject({ changes: [], failed: false, summary: { client: { breaking: 0, warning: 0, info: 0 } } });
  });

  it('accepts a folder with spec/ in it', async () => {
    const project = join(root, 'project');
    cpSync(SPEC, join(project, 'spec'), { recursive: true });
    const { code, stdout } = await diff([project, oldDir]);
    expect(code).toBe(0);
    expect(stdout).toContain('no changes');
  });

  it('exits 2 for usage errors and broken contracts', async () => {
    expect((await diff([oldDir])).code).toBe(2);
    expect((await diff([oldDir, newDir, '--format', 'yaml'])).code).toBe(2);
    expect((await diff([oldDir, newDir, '--audience', 'nobody'])).code).toBe(2);
    expect((await diff([oldDir, newDir, '--fail-on', 'error'])).code).toBe(2);
    const missing = await diff([oldDir, join(root, 'does-not-exist'), '--repo', root]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/neither a contract directory nor a git revision/);
    expect((await diff([oldDir, root])).code).toBe(2); // a directory with no contract
    const broken = join(root, 'broken');
    cpSync(SPEC, broken, { recursive: true });
    writeFileSync(join(broken, 'models/overlay.yaml'), 'models: [not, a, map]\n');
    const result = await diff([oldDir, broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/overlay\.yaml/);
  });
});

describe('wai-conformance diff with git revisions', () => {
  const repo = join(root, 'repo');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'pipe' }).toString();

  beforeAll(() => {
    cpSync(SPEC, join(repo, 'spec'), { recursive: true });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'contract v1');
    const tgFile = join(repo, 'spec/tasks/text-generation.yaml');
    const tg = readYaml(tgFile);
    for (const branch of tg.$defs.input.oneOf) if (branch.properties.temperature) branch.properties.temperature.maximum = 2;
    writeFileSync(tgFile, stringifyYaml(tg));
    git('commit', '-q', '-am', 'contract v2: temperature at most 2');
  });

  it('diffs two revisions of spec/ (exported, then cleaned up)', async () => {
    const before = new Set(readdirTmp());
    const { code, stdout } = await diff(['HEAD~1', 'HEAD', '--repo', repo, '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.old.label).toMatch(/^HEAD~1 \([0-9a-f]{12}\)$/);
    expect(report.changes.some((c: DiffEntry) => c.model === LLAMA && c.keyword === 'maximum' && c.after === 2)).toBe(true);
    expect(readdirTmp().filter((d) => !before.has(d))).toEqual([]);
  });

  it('takes git:REV, and mixes a revision with a directory', async () => {
    expect((await diff(['git:HEAD', 'git:HEAD', '--repo', repo])).stdout).toContain('no changes');
    const { code, stdout } = await diff(['git:HEAD~1', repo, '--repo', repo]);
    expect(code).toBe(1);
    expect(stdout).toContain('maximum tightened: 5 → 2');
  });

  it('reads --spec-path from the repository root, wherever --repo points inside it', async () => {
    const { code, stdout } = await diff(['HEAD~1', 'HEAD', '--repo', join(repo, 'spec', 'tasks')]);
    expect(code).toBe(1);
    expect(stdout).toContain('maximum tightened: 5 → 2');
  });

  it('exits 2 for a revision that does not exist, or has no contract', async () => {
    const result = await diff(['git:no-such-branch', 'HEAD', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a git revision/);
    expect((await diff(['HEAD', 'HEAD', '--repo', repo, '--spec-path', 'nowhere'])).code).toBe(2);
  });
});

function readdirTmp(): string[] {
  return execFileSync('ls', [tmpdir()]).toString().split('\n').filter((d) => d.startsWith('wai-diff-') && !d.startsWith('wai-diff-test-'));
}
