import { describe, expect, it } from 'vitest';
import { contentType } from '../../../src/checks/content-type.js';
import { catalogExchange, contextFor, envelope, errorEnvelope, messages, openAiExchange, runExchange } from './exchange-builder.js';
import { jpegOf, mp3, pngOf, wav } from './media-fixtures.js';

const BGE = '@cf/baai/bge-base-en-v1.5';
const SDXL = '@cf/stabilityai/stable-diffusion-xl-base-1.0';
const AURA = '@cf/deepgram/aura-1';
const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';

describe('content-type', () => {
  it('passes JSON answers with or without a charset', () => {
    const plain = runExchange(BGE, { text: 'a' }, { json: envelope({ data: [] }) });
    expect(contentType.run(plain, contextFor(plain))).toEqual([]);
    const charset = openAiExchange('embeddings', { model: BGE, input: 'a' }, { json: {}, contentType: 'application/json; charset=utf-8' });
    expect(contentType.run(charset, contextFor(charset))).toEqual([]);
  });

  it('fails a JSON model answering another media type', () => {
    const ex = runExchange(BGE, { text: 'a' }, { json: envelope({ data: [] }), contentType: 'text/html' });
    const findings = contentType.run(ex, contextFor(ex));
    expect(findings).toMatchObject([{ check: 'content-type', expected: 'application/json', actual: 'text/html' }]);
    expect(findings[0]!.message).toBe(`POST /ai/run/${BGE} (200): Content-Type is text/html, expected application/json`);
  });

  it('fails an answer without a Content-Type', () => {
    const ex = catalogExchange('models/search', {}, { json: envelope([]), contentType: null });
    expect(messages(contentType.run(ex, contextFor(ex)))).toEqual(['GET /ai/models/search (200): no Content-Type header, expected application/json']);
  });

  it('judges error answers by the media type documented for their status', () => {
    const ok = runExchange(BGE, { text: '' }, { status: 400, json: errorEnvelope(5006, 'x') });
    expect(contentType.run(ok, contextFor(ok, 'client-error'))).toEqual([]);
    const bad = runExchange(BGE, { text: '' }, { status: 400, text: 'Bad Request', contentType: 'text/plain' });
    expect(messages(contentType.run(bad, contextFor(bad, 'client-error')))[0]).toContain('Content-Type is text/plain, expected application/json');
    const undocumented = runExchange(BGE, { text: 'a' }, { status: 502, text: '<html>', contentType: 'text/html' });
    expect(contentType.applies(undocumented, contextFor(undocumented))).toBe(false);
  });

  it("passes a binary model's bytes of its media type", () => {
    const ex = runExchange(SDXL, { prompt: 'cat' }, { bytes: pngOf(8, 8), contentType: 'image/png' });
    expect(contentType.run(ex, contextFor(ex))).toEqual([]);
  });

  it('fails a binary answer whose bytes are not what the header says', () => {
    const ex = runExchange(SDXL, { prompt: 'cat' }, { bytes: jpegOf(8, 8), contentType: 'image/png' });
    const findings = contentType.run(ex, contextFor(ex));
    expect(findings).toMatchObject([{ expected: 'image/png', actual: 'image/jpeg' }]);
    expect(findings[0]!.message).toContain('Content-Type says image/png but the');
    const junk = runExchange(SDXL, { prompt: 'cat' }, { bytes: new Uint8Array([1, 2, 3]), contentType: 'image/png' });
    expect(messages(contentType.run(junk, contextFor(junk)))[0]).toContain('bytes are not recognisable as any known media type');
  });

  it('fails a binary model answering JSON', () => {
    const ex = runExchange(SDXL, { prompt: 'cat' }, { json: envelope({ image: 'AAAA' }) });
    expect(contentType.run(ex, contextFor(ex))).toMatchObject([{ expected: 'image/png', actual: 'application/json' }]);
  });

  it("expects the audio type a text-to-speech request's container asks for", () => {
    const asked = runExchange(AURA, { text: 'hi', encoding: 'linear16', container: 'wav' }, { bytes: wav(), contentType: 'audio/wav' });
    expect(contentType.run(asked, contextFor(asked))).toEqual([]);
    const ignored = runExchange(AURA, { text: 'hi', encoding: 'linear16', container: 'wav' }, { bytes: mp3(), contentType: 'audio/mpeg' });
    expect(messages(contentType.run(ignored, contextFor(ignored)))[0]).toContain('Content-Type is audio/mpeg, expected audio/wav');
  });

  it('leaves streamed answers to stream.framing', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi', stream: true }, { json: envelope({ response: 'x' }) });
    expect(contentType.applies(ex, contextFor(ex))).toBe(false);
    expect(contentType.run(ex, contextFor(ex))).toEqual([]);
  });
});
