import { describe, expect, it } from 'vitest';
import { catalogConsistency } from '../../../src/checks/catalog-consistency.js';
import { catalogExchange, contextFor, envelope, errorEnvelope, messages, runExchange } from './exchange-builder.js';
import { pngOf } from './media-fixtures.js';

const DISTILBERT = '@cf/huggingface/distilbert-sst-2-int8';
const SDXL = '@cf/stabilityai/stable-diffusion-xl-base-1.0';
const item = (name: string, task: string) => ({ id: '00000000-0000-4000-8000-000000000000', source: 1, name, description: '', task: { id: '00000000-0000-4000-8000-000000000001', name: task, description: '' }, tags: [], properties: [] });
const search = (...items: unknown[]) => catalogExchange('models/search', {}, { json: { ...envelope(items), result_info: { page: 1 } } });
const schema = (model: string, input: unknown, output: unknown) => catalogExchange('models/schema', { model }, { json: envelope({ input, output }) });
const TEXT_INPUT = { type: 'object', properties: { text: { type: 'string', minLength: 1 } }, required: ['text'] };
const LABELS_OUTPUT = { type: 'array', contentType: 'application/json', items: { type: 'object', properties: { score: { type: 'number' }, label: { type: 'string' } } } };
const judge = (...exchanges: ReturnType<typeof search>[]) => catalogConsistency.run(exchanges, contextFor(exchanges[0]!));

describe('catalog.consistency', () => {
  it('passes a catalogue that agrees with /ai/run and the contract', () => {
    const run = runExchange(DISTILBERT, { text: 'good' }, { json: envelope([{ label: 'POSITIVE', score: 0.9 }]) });
    expect(judge(search(item(DISTILBERT, 'Text Classification')), schema(DISTILBERT, TEXT_INPUT, LABELS_OUTPUT), run)).toEqual([]);
  });

  it("fails a listed task that is not the contract's", () => {
    expect(judge(search(item(DISTILBERT, 'Text Generation')))).toEqual([
      { check: 'catalog.consistency', instancePath: '/result/0/task/name', message: `models/search result[0].task.name lists ${DISTILBERT} under task "Text Generation", the contract says "Text Classification" (text-classification)`, expected: 'Text Classification', actual: 'Text Generation' },
    ]);
  });

  it('fails a listed model that /ai/run calls unknown, or whose schema is not served', () => {
    const run = runExchange(DISTILBERT, { text: 'good' }, { status: 400, json: errorEnvelope(5007, 'No such model') });
    expect(messages(judge(search(item(DISTILBERT, 'Text Classification')), run))).toEqual([`models/search lists ${DISTILBERT} but /ai/run answered 400 with code 5007 (No such model), expected a listed model to exist`]);
    const missing = catalogExchange('models/schema', { model: DISTILBERT }, { status: 400, json: { success: false, result: {}, errors: [{ message: 'No such model' }] } });
    expect(messages(judge(search(item(DISTILBERT, 'Text Classification')), missing))).toEqual([`models/search lists ${DISTILBERT} but models/schema?model=${DISTILBERT} answered 400, expected its schema`]);
  });

  it('fails /ai/run accepting what the published input schema rejects, and rejecting what it accepts', () => {
    const accepted = runExchange(DISTILBERT, { text: '' }, { json: envelope([{ label: 'POSITIVE', score: 0.9 }]) });
    expect(messages(judge(schema(DISTILBERT, TEXT_INPUT, LABELS_OUTPUT), accepted))).toEqual([`/ai/run/${DISTILBERT} accepted (200) an input that models/schema's input schema rejects: /text: expected at least 1 characters, found 0 characters (minLength)`]);
    const rejected = runExchange(DISTILBERT, { text: 'fine' }, { status: 400, json: errorEnvelope(5006, 'Bad input') });
    expect(messages(judge(schema(DISTILBERT, TEXT_INPUT, LABELS_OUTPUT), rejected))).toEqual([`/ai/run/${DISTILBERT} rejected with 400 (code 5006) an input that models/schema's input schema accepts`]);
  });

  it('fails a result the published output schema rejects, and a binary type it does not publish', () => {
    const run = runExchange(DISTILBERT, { text: 'good' }, { json: envelope([{ label: 1, score: 0.9 }]) });
    expect(judge(schema(DISTILBERT, TEXT_INPUT, LABELS_OUTPUT), run)).toMatchObject([{ instancePath: '/result/0/label' }]);
    const png = runExchange(SDXL, { prompt: 'cat' }, { bytes: pngOf(4, 4), contentType: 'image/png' });
    const published = schema(SDXL, { type: 'object' }, { type: 'string', format: 'binary', contentType: 'image/jpeg' });
    expect(messages(judge(published, png))).toEqual([`models/schema says ${SDXL} answers image/jpeg, /ai/run answered image/png`]);
  });

  it('applies only when there is a catalogue answer to compare', () => {
    const run = runExchange(DISTILBERT, { text: 'good' }, { json: envelope([]) });
    expect(catalogConsistency.applies([run], contextFor(run))).toBe(false);
    expect(catalogConsistency.applies([schema(SDXL, {}, {}), run], contextFor(run))).toBe(false);
  });
});
