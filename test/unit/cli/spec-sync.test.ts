import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specCommand } from '../../../src/cli/commands/spec.js';
import { EXIT, UsageError } from '../../../src/cli/usage-error.js';
import type { Io } from '../../../src/cli/output.js';
import { ContractError } from '../../../src/contract/errors.js';
import { packageRoot } from '../../../src/contract/files.js';
import { loadContract } from '../../../src/contract/load.js';
import { startCatalogReplay, type CatalogReplay } from '../../helpers/catalog-replay.js';

const FIXTURES = join(packageRoot(), 'fixtures', 'catalog');
const RECORDED = join(FIXTURES, 'recorded');
const CHANGED = join(FIXTURES, 'changed');
const dir = mkdtempSync(join(tmpdir(), 'wai-spec-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `wai-conformance spec ...` in-process with its own environment, mapping thrown usage and
 * contract errors to exit 2 as src/cli/main.ts does.
 */
async function spec(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), stdin: async () => Buffer.alloc(0) };
  try {
    return { code: await specCommand(argv, io, env), stdout, stderr };
  } catch (error) {
    if (error instanceof UsageError || error instanceof ContractError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return { code: EXIT.usage, stdout, stderr: `${stderr}${(error as Error).message}\n` };
    }
    throw error;
  }
}

/** Every file of a folder and its bytes. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(readdirSync(folder).sort().map((name) => [name, readFileSync(join(folder, name), 'utf8')]));
}

describe('spec sync against the embedded emulator', () => {
  const out = join(dir, 'emulator');

  it('writes one document per catalogue model and index.json, and a second sync changes no byte', async () => {
    const first = await spec(['sync', '--target', 'emulator', '--out', out]);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const contract = loadContract();
    const files = readdirSync(out);
    expect(files).toHaveLength(contract.models.size + 1);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index.source).toBe('emulator');
    expect(index.models.map((m: { id: string }) => m.id)).toEqual([...contract.models.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const whisper = JSON.parse(readFileSync(join(out, '@cf__openai__whisper.json'), 'utf8'));
    expect(whisper).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'models/catalog/@cf__openai__whisper.json',
      title: '@cf/openai/whisper',
      'x-catalog': { task: { name: 'Automatic Speech Recognition' } },
    });
    expect(Object.keys(whisper.$defs)).toEqual(['input', 'output']);
    expect(index.models.find((m: { id: string }) => m.id === '@cf/openai/whisper')).toEqual({ id: '@cf/openai/whisper', task: 'automatic-speech-recognition', file: '@cf__openai__whisper.json' });

    const before = snapshot(out);
    const second = await spec(['sync', '--target', 'emulator', '--out', out]);
    expect(second.code).toBe(EXIT.ok);
    expect(second.stdout).toContain(`0 written, ${contract.models.size} unchanged`);
    expect(snapshot(out)).toEqual(before);
  });

  it('--check after a sync finds the emulator in sync (exit 0) and writes nothing', async () => {
    const before = snapshot(out);
    const result = await spec(['sync', '--check', '--target', 'emulator', '--out', out]);
    expect(result.code, result.stdout).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^in sync: the \d+ models of the emulator's catalogue match the pinned catalogue/);
    expect(snapshot(out)).toEqual(before);
  });

  it('--check with nothing pinned compares with the contract, which the emulator serves (exit 0)', async () => {
    const empty = join(dir, 'nothing-pinned');
    const result = await spec(['sync', '--check', '--target', 'emulator', '--out', empty]);
    expect(result.code, result.stdout).toBe(EXIT.ok);
    expect(result.stdout).toContain('match the contract');
    expect(existsSync(empty)).toBe(false);
  });
});

describe('spec sync against recorded answers (fixtures/catalog)', () => {
  let recorded: CatalogReplay;
  let changed: CatalogReplay;
  const out = join(dir, 'replay');
  beforeAll(async () => {
    recorded = await startCatalogReplay([RECORDED]);
    changed = await startCatalogReplay([RECORDED, CHANGED]);
  });
  afterAll(async () => {
    await recorded.close();
    await changed.close();
  });

  it('follows total_count across pages the server keeps short, and reads each model schema once', async () => {
    const result = await spec(['sync', '--target', 'url', '--base-url', recorded.url, '--out', out]);
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(readdirSync(out).sort()).toEqual(['@cf__baai__bge-base-en-v1.5.json', '@cf__huggingface__distilbert-sst-2-int8.json', '@cf__meta__m2m100-1.2b.json', '@cf__openai__whisper.json', 'index.json']);
    const searches = recorded.requests.filter((r) => r.includes('/models/search'));
    expect(searches).toEqual([
      expect.stringMatching(/models\/search\?per_page=100&page=1$/),
      expect.stringMatching(/models\/search\?per_page=100&page=2$/),
    ]);
    expect(recorded.requests.filter((r) => r.includes('/models/schema'))).toHaveLength(4);
    const bge = JSON.parse(readFileSync(join(out, '@cf__baai__bge-base-en-v1.5.json'), 'utf8'));
    // Search item kept (less its name), properties in property_id order.
    expect(bge['x-catalog'].created_at).toBe('2023-09-25 19:21:11.898');
    expect(bge['x-catalog'].properties.map((p: { property_id: string }) => p.property_id)).toEqual(['async_queue', 'info', 'max_input_tokens', 'output_dimensions', 'price']);
    expect(bge['x-catalog']).not.toHaveProperty('name');
  });

  it('--check against the same recordings is in sync (exit 0)', async () => {
    const result = await spec(['sync', '--check', '--target', 'url', '--base-url', recorded.url, '--out', out]);
    expect(result.code, result.stdout).toBe(EXIT.ok);
  });

  it('--check against a changed catalogue exits 1, naming each model and JSON pointer, and writes nothing', async () => {
    const before = snapshot(out);
    const result = await spec(['sync', '--check', '--target', 'url', '--base-url', changed.url, '--out', out]);
    expect(result.code).toBe(EXIT.nonConformant);
    expect(result.stdout).toMatch(/^The catalogue at http:\/\/127\.0\.0\.1:\d+\/client\/v4 differs from the pinned catalogue \(.*replay, synced .*\):$/m);
    expect(result.stdout).toMatch(/^@cf\/meta\/m2m100-1\.2b: only in the pinned catalogue$/m);
    expect(result.stdout).toContain('@cf/openai/whisper: 1 difference\n');
    expect(result.stdout).toContain('  /$defs/input/anyOf/1/properties/diarize: added {"type":"boolean","description":"Label each word with its speaker"}');
    expect(result.stdout).toContain('2 of 4 models differ');
    expect(result.stdout).not.toContain('bge-base');
    expect(snapshot(out)).toEqual(before);
  });

  it('--check with nothing pinned compares with the contract: the changed schema and the models the recordings lack', async () => {
    const result = await spec(['sync', '--check', '--target', 'url', '--base-url', changed.url, '--out', join(dir, 'unpinned')]);
    expect(result.code).toBe(EXIT.nonConformant);
    expect(result.stdout).toContain('  /$defs/input/anyOf/1/properties/diarize: added');
    expect(result.stdout).toMatch(/^@cf\/meta\/llama-3\.1-8b-instruct: only in the contract$/m);
    // The recorded descriptions and properties are not in the contract: not compared.
    expect(result.stdout).not.toMatch(/^@cf\/baai\/bge-base-en-v1\.5:/m);
  });

  it('a sync from the changed catalogue rewrites the changed model and removes the one that left', async () => {
    const result = await spec(['sync', '--target', 'url', '--base-url', changed.url, '--out', out]);
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(result.stdout).toContain('1 written, 2 unchanged, 1 removed (@cf__meta__m2m100-1.2b.json); index.json updated');
    expect(existsSync(join(out, '@cf__meta__m2m100-1.2b.json'))).toBe(false);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index.models.map((m: { id: string }) => m.id)).toEqual(['@cf/baai/bge-base-en-v1.5', '@cf/huggingface/distilbert-sst-2-int8', '@cf/openai/whisper']);
  });
});

describe('spec sync failures', () => {
  it('the live target without credentials is a configuration error (exit 2) and sends nothing', async () => {
    const replay = await startCatalogReplay([RECORDED]);
    try {
      const result = await spec(['sync', '--target', 'live', '--base-url', replay.url, '--out', join(dir, 'no-credentials')], { CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef' });
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain('CLOUDFLARE_API_TOKEN');
      const noAccount = await spec(['sync', '--out', join(dir, 'no-credentials')], {});
      expect(noAccount.code).toBe(EXIT.usage);
      expect(replay.requests).toEqual([]);
      expect(existsSync(join(dir, 'no-credentials'))).toBe(false);
    } finally {
      await replay.close();
    }
  });

  it('an unreachable target exits 3 and names the request', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const result = await spec(['sync', '--target', 'url', '--base-url', `http://127.0.0.1:${port}/client/v4`, '--out', join(dir, 'unreachable'), '--timeout', '5000']);
    expect(result.code).toBe(EXIT.incomplete);
    expect(result.stderr).toMatch(/cannot read the catalogue from http:\/\/127\.0\.0\.1:\d+\/client\/v4: GET models\/search\?per_page=100&page=1: no answer/);
  });

  it('a failing models/schema answer exits 3, naming the endpoint, model and status; nothing is written', async () => {
    const broken = join(dir, 'broken-fixtures');
    mkdirSync(join(broken, 'models'), { recursive: true });
    const page = JSON.parse(readFileSync(join(RECORDED, 'models', 'search.page-1.json'), 'utf8'));
    page.result.push({ ...page.result[0], id: '00000000-0000-5000-8000-000000000000', name: '@cf/example/unrecorded' });
    page.result_info = { page: 1, per_page: 3, count: 3, total_count: 3 };
    writeFileSync(join(broken, 'models', 'search.page-1.json'), JSON.stringify(page));
    const replay = await startCatalogReplay([RECORDED, broken]);
    try {
      const out = join(dir, 'broken-out');
      const result = await spec(['sync', '--target', 'url', '--base-url', replay.url, '--out', out]);
      expect(result.code).toBe(EXIT.incomplete);
      expect(result.stderr).toContain('GET models/schema?model=@cf/example/unrecorded: HTTP 400: 5007 No such model @cf/example/unrecorded or task');
      expect(existsSync(out)).toBe(false);
    } finally {
      await replay.close();
    }
  });

  it('refuses to write an empty catalogue (exit 3)', async () => {
    const replay = await startCatalogReplay([join(dir, 'no-recordings')]);
    try {
      const out = join(dir, 'empty-out');
      const result = await spec(['sync', '--target', 'url', '--base-url', replay.url, '--out', out]);
      expect(result.code).toBe(EXIT.incomplete);
      expect(result.stderr).toContain('listed no models; nothing written');
      expect(existsSync(out)).toBe(false);
    } finally {
      await replay.close();
    }
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await spec([])).code).toBe(EXIT.usage);
    expect((await spec(['pull'])).stderr).toContain('unknown subcommand "spec pull"');
    expect((await spec(['sync', '--target', 'gateway'])).stderr).toContain('not served through AI Gateway');
    expect((await spec(['sync', '--target', 'url'])).stderr).toContain('--base-url');
    expect((await spec(['sync', '--concurrency', '0'])).code).toBe(EXIT.usage);
    expect((await spec(['sync', '--bogus'])).code).toBe(EXIT.usage);
  });

  it('a broken pinned catalogue is a usage error (exit 2) before any request', async () => {
    const pinned = join(dir, 'broken-pin');
    mkdirSync(pinned, { recursive: true });
    writeFileSync(join(pinned, 'index.json'), '{"source":"x","syncedAt":"y","models":[{"id":"@cf/a/b","task":"t","file":"missing.json"}]}');
    const result = await spec(['sync', '--check', '--target', 'url', '--base-url', 'http://127.0.0.1:9/client/v4', '--out', pinned]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('missing.json');
  });
});
