import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { checkPact } from '../../../src/pact/check.js';
import { buildPact, EXAMPLE_TOKEN, PACT_MAX_TOKENS, PACT_PLACEHOLDER_ACCOUNT_ID, selectExportModels, writePact } from '../../../src/pact/export.js';
import { PLACEHOLDER_ACCOUNT_ID } from '../../../src/targets/index.js';

const contract = loadContract();
const MODELS = ['@cf/meta/llama-3.1-8b-instruct', '@cf/huggingface/distilbert-sst-2-int8', '@cf/stabilityai/stable-diffusion-xl-base-1.0'];
const dir = mkdtempSync(join(tmpdir(), 'wai-pact-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pact export', () => {
  const { pact, notes } = buildPact(contract, { models: MODELS, consumer: 'my-app', provider: 'workers-ai' });

  it('writes a Pact V4 file: consumer, provider, Synchronous/HTTP interactions with unique descriptions', () => {
    const file = writePact(pact, dir);
    expect(file).toBe(join(dir, 'my-app-workers-ai.json'));
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.metadata.pactSpecification.version).toBe('4.0');
    expect(written.consumer).toEqual({ name: 'my-app' });
    expect(written.provider).toEqual({ name: 'workers-ai' });
    expect(notes).toEqual([]);
    // valid + invalid per model, and the auth interaction for the first model
    expect(written.interactions).toHaveLength(7);
    const descriptions = written.interactions.map((i: { description: string }) => i.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    for (const interaction of written.interactions) {
      expect(interaction.type).toBe('Synchronous/HTTP');
      expect(interaction.request.method).toBe('POST');
      expect(interaction.request.path).toMatch(/^\/client\/v4\/accounts\/[0-9a-f]{32}\/ai\/run\/@cf\//);
      if (interaction.request.body) expect(interaction.request.body).toMatchObject({ contentType: 'application/json', encoded: false });
      for (const group of Object.values({ ...interaction.response.matchingRules?.body, ...interaction.response.matchingRules?.header })) {
        expect((group as { combine: string }).combine).toMatch(/^(AND|OR)$/);
      }
    }
  });

  it('asks for a small max_tokens and no stream, authenticated with any bearer token', () => {
    const valid = pact.interactions.find((i) => i.description.startsWith('@cf/meta/llama-3.1-8b-instruct: a valid request'))!;
    expect(valid.request.body?.content).toMatchObject({ max_tokens: PACT_MAX_TOKENS, stream: false });
    expect(valid.request.headers?.Authorization).toEqual([`Bearer ${EXAMPLE_TOKEN}`]);
    expect(valid.request.matchingRules?.header?.Authorization).toEqual({ combine: 'AND', matchers: [{ match: 'regex', regex: '^Bearer .+$' }] });
    expect(valid.response.status).toBe(200);
    expect(valid.response.matchingRules?.body?.['$.result.response']).toEqual({ combine: 'AND', matchers: [{ match: 'type' }] });
    expect(valid.response.matchingRules?.body?.['$.success']).toEqual({ combine: 'AND', matchers: [{ match: 'equality' }] });
  });

  it('matches a binary answer by its Content-Type only', () => {
    const image = pact.interactions.find((i) => i.description.startsWith('@cf/stabilityai/stable-diffusion-xl-base-1.0: a valid request'))!;
    expect(image.response.body).toBeUndefined();
    expect(image.response.headers).toEqual({ 'Content-Type': ['image/png'] });
    expect(image.response.matchingRules?.header?.['Content-Type']).toEqual({ combine: 'AND', matchers: [{ match: 'regex', regex: '^image/png' }] });
  });

  it('expects the error envelope for a request missing a required field, and 401 or 403 without credentials', () => {
    const invalid = pact.interactions.find((i) => i.description === '@cf/huggingface/distilbert-sst-2-int8: a request without "text" is refused with 400')!;
    expect(invalid.request.body?.content).toEqual({});
    expect(invalid.response.status).toBe(400);
    expect(invalid.response.matchingRules?.body).toMatchObject({
      '$.success': { combine: 'AND', matchers: [{ match: 'equality' }] },
      '$.errors': { combine: 'AND', matchers: [{ match: 'type', min: 1 }] },
      '$.errors[*].message': { combine: 'AND', matchers: [{ match: 'type' }] },
    });
    const auth = pact.interactions.filter((i) => i.description.includes('without credentials'));
    expect(auth).toHaveLength(1);
    expect(auth[0]!.request.headers?.Authorization).toBeUndefined();
    expect(auth[0]!.response.matchingRules?.status).toEqual({ $: { combine: 'AND', matchers: [{ match: 'statusCode', status: [401, 403] }] } });
  });

  it('takes the path prefix and account id from the options', () => {
    const custom = buildPact(contract, { models: [MODELS[1]!], basePath: '/api', accountId: 'acct-1', authModel: false }).pact;
    expect(custom.interactions.map((i) => i.request.path)).toEqual(['/api/accounts/acct-1/ai/run/@cf/huggingface/distilbert-sst-2-int8', '/api/accounts/acct-1/ai/run/@cf/huggingface/distilbert-sst-2-int8']);
    expect(PACT_PLACEHOLDER_ACCOUNT_ID).toBe(PLACEHOLDER_ACCOUNT_ID);
  });

  it('selects one HTTP model per task by default, and globs', () => {
    const byTask = selectExportModels(contract);
    expect(new Set(byTask.map((m) => m.task)).size).toBe(byTask.length);
    expect(byTask.every((m) => m.facts.transport === 'http')).toBe(true);
    expect(selectExportModels(contract, ['@cf/meta/llama-3.1-*']).map((m) => m.id)).toContain('@cf/meta/llama-3.1-8b-instruct');
  });

  it('is deterministic and agrees with the contract for every catalogue model (pact check finds nothing)', () => {
    const all = buildPact(contract, { models: ['**'] });
    expect(JSON.stringify(buildPact(contract, { models: ['**'] }).pact)).toBe(JSON.stringify(all.pact));
    const result = checkPact(JSON.parse(JSON.stringify(all.pact)), contract);
    expect(result.findings).toEqual([]);
    expect(result.checked).toBe(all.pact.interactions.length);
    // only WebSocket-only models are left out entirely
    const left = all.notes.filter((n) => n.note.startsWith('left out'));
    expect(left.every((n) => contract.model(n.model)?.facts.transport === 'websocket')).toBe(true);
  });
});
