import { describe, expect, it } from 'vitest';
import { diffOpenapi } from '../../../src/diff/openapi-diff.js';

const base = () => ({
  openapi: '3.1.0',
  security: [{ api_token: [] }],
  paths: {
    '/run/{model}': {
      parameters: [{ $ref: '#/components/parameters/Model' }],
      post: {
        operationId: 'run',
        parameters: [{ name: 'x-trace', in: 'header', schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Input' } }, 'audio/*': { schema: { type: 'string' } } } },
        responses: {
          '200': { $ref: '#/components/responses/Ok' },
          '400': { description: 'bad', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/old': { get: { responses: { '200': { description: 'ok' } } } },
  },
  components: {
    parameters: { Model: { name: 'model', in: 'path', required: true, schema: { type: 'string' } } },
    schemas: {
      Input: { type: 'object', properties: { prompt: { type: 'string', maxLength: 100 } }, required: ['prompt'] },
      Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' } } },
    },
    responses: {
      Ok: {
        description: 'ok',
        headers: { 'cf-ray': { schema: { type: 'string' } } },
        content: {
          'application/json': { schema: { type: 'object', properties: { result: { type: 'string' }, tree: { $ref: '#/components/schemas/Node' } } } },
          'text/event-stream': { schema: { type: 'string' }, 'x-wai-sse': { data: { type: 'object', properties: { response: { type: 'string' } } }, terminator: '[DONE]' } },
        },
      },
    },
  },
});

type Doc = ReturnType<typeof base>;
const kinds = (edit: (doc: Doc) => void) => {
  const after = base();
  edit(after);
  return diffOpenapi(base(), after).map((e) => [e.kind, e.pointer, e.levels.client, e.levels.mock]);
};
const RUN = '/paths/~1run~1{model}/post';

describe('diffOpenapi', () => {
  it('finds nothing between equal documents (recursive schemas included)', () => {
    expect(diffOpenapi(base(), base())).toEqual([]);
  });

  it('paths and operations removed and added', () => {
    expect(kinds((d) => delete (d.paths as Record<string, unknown>)['/old'])).toEqual([['path-removed', '/paths/~1old', 'breaking', 'info']]);
    expect(kinds((d) => Object.assign(d.paths, { '/new': { get: {} } }))).toEqual([['path-added', '/paths/~1new', 'info', 'breaking']]);
    expect(kinds((d) => Object.assign(d.paths['/old'], { post: { responses: {} } }))).toEqual([['operation-added', '/paths/~1old/post', 'info', 'breaking']]);
  });

  it('parameters: a required one added, one removed, one made required, a schema tightened', () => {
    expect(kinds((d) => d.paths['/run/{model}'].post.parameters.push({ name: 'cf-aig-x', in: 'header', required: true, schema: { type: 'string' } } as never))).toEqual([
      ['required-parameter-added', `${RUN}/parameters/1`, 'breaking', 'info'],
    ]);
    expect(kinds((d) => (d.paths['/run/{model}'].post.parameters = []))).toEqual([['parameter-removed', `${RUN}/parameters/0`, 'warning', 'info']]);
    expect(kinds((d) => Object.assign(d.paths['/run/{model}'].post.parameters[0]!, { required: true }))).toEqual([['parameter-became-required', `${RUN}/parameters/0/required`, 'breaking', 'info']]);
    expect(kinds((d) => Object.assign(d.components.parameters.Model.schema, { pattern: '^@' }))).toEqual([['constraint-tightened', '/paths/~1run~1{model}/parameters/0/schema/pattern', 'breaking', 'info']]);
  });

  it('request body: required, media types, schema (as input)', () => {
    expect(kinds((d) => (d.paths['/run/{model}'].post.requestBody.required = false))).toEqual([['request-body-became-optional', `${RUN}/requestBody/required`, 'info', 'breaking']]);
    expect(kinds((d) => delete (d.paths['/run/{model}'].post.requestBody.content as Record<string, unknown>)['audio/*'])).toEqual([
      ['request-media-type-removed', `${RUN}/requestBody/content/audio~1*`, 'breaking', 'info'],
    ]);
    expect(kinds((d) => (d.components.schemas.Input.properties.prompt.maxLength = 50))).toEqual([
      ['constraint-tightened', `${RUN}/requestBody/content/application~1json/schema/properties/prompt/maxLength`, 'breaking', 'info'],
    ]);
  });

  it('responses: statuses, media types (streaming dropped), headers, schemas and SSE payloads (as output)', () => {
    expect(kinds((d) => delete (d.paths['/run/{model}'].post.responses as Record<string, unknown>)['400'])).toEqual([['error-status-removed', `${RUN}/responses/400`, 'info', 'warning']]);
    expect(kinds((d) => Object.assign(d.paths['/run/{model}'].post.responses, { '429': { description: 'busy' } }))).toEqual([['error-status-added', `${RUN}/responses/429`, 'warning', 'info']]);
    expect(kinds((d) => delete (d.components.responses.Ok.content as Record<string, unknown>)['text/event-stream'])).toEqual([
      ['response-media-type-removed', `${RUN}/responses/200/content/text~1event-stream`, 'breaking', 'breaking'],
    ]);
    expect(kinds((d) => delete (d.components.responses.Ok.headers as Record<string, unknown>)['cf-ray'])).toEqual([['response-header-removed', `${RUN}/responses/200/headers/cf-ray`, 'warning', 'info']]);
    expect(kinds((d) => (d.components.responses.Ok.content['application/json'].schema.properties.result = { type: ['string', 'null'] } as never))).toEqual([
      ['type-widened', `${RUN}/responses/200/content/application~1json/schema/properties/result/type`, 'breaking', 'info'],
    ]);
    expect(kinds((d) => delete (d.components.responses.Ok.content['text/event-stream']['x-wai-sse'].data.properties as Record<string, unknown>).response)).toEqual([
      ['property-removed', `${RUN}/responses/200/content/text~1event-stream/x-wai-sse/data/properties/response`, 'breaking', 'info'],
    ]);
    expect(kinds((d) => (d.components.responses.Ok.content['text/event-stream']['x-wai-sse'].terminator = null as never))).toEqual([
      ['sse-terminator-changed', `${RUN}/responses/200/content/text~1event-stream/x-wai-sse/terminator`, 'breaking', 'breaking'],
    ]);
  });

  it('error codes a status lists, documented or observed: added and removed; a code moving between the lists is no change', () => {
    const listing = (codes: Record<string, number[]>) => {
      const doc = base();
      Object.assign(doc.paths['/run/{model}'].post.responses['400'], codes);
      return doc;
    };
    const row = (e: ReturnType<typeof diffOpenapi>[number]) => [e.kind, e.pointer, e.levels.client, e.levels.mock, e.values];
    const both = { 'x-wai-error-codes': [5007], 'x-wai-observed-error-codes': [7000] };
    expect(diffOpenapi(listing(both), listing({ ...both, 'x-wai-observed-error-codes': [7000, 7001] })).map(row)).toEqual([
      ['error-code-added', `${RUN}/responses/400/x-wai-observed-error-codes`, 'warning', 'info', [7001]],
    ]);
    expect(diffOpenapi(listing(both), listing({ 'x-wai-error-codes': [5007] })).map(row)).toEqual([['error-code-removed', `${RUN}/responses/400/x-wai-observed-error-codes`, 'info', 'warning', [7000]]]);
    expect(diffOpenapi(listing(both), listing({ 'x-wai-error-codes': [5007, 7000], 'x-wai-observed-error-codes': [] }))).toEqual([]);
  });

  it('component schemas no path reaches (read by name): changes graded by x-wai.direct-components, added and removed ones', () => {
    const withDirect = (d: Doc) => {
      Object.assign(d.components.schemas, {
        ObservedError: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } } },
        Poll: { type: 'object', required: ['request_id'], properties: { request_id: { type: 'string' } } },
        Unlisted: { type: 'object', properties: { x: { type: 'string' } } },
      });
      Object.assign(d, { 'x-wai': { 'direct-components': { input: ['Poll'], output: ['ObservedError'] } } });
    };
    const change = (edit: (doc: Doc & { components: { schemas: Record<string, any> } }) => void) => {
      const before = base();
      withDirect(before);
      const after = base();
      withDirect(after);
      edit(after as never);
      return diffOpenapi(before, after).map((e) => [e.kind, e.pointer, e.levels.client, e.levels.mock]);
    };
    expect(change(() => {})).toEqual([]);
    // An answer read by name widened (a form the checks now accept): breaking for clients, as any answer.
    expect(change((d) => (d.components.schemas.ObservedError.properties.error.required = []))).toEqual([
      ['required-removed', '/components/schemas/ObservedError/properties/error/properties/message', 'breaking', 'info'],
    ]);
    // A request read by name narrowed: breaking for clients.
    expect(change((d) => (d.components.schemas.Poll.properties.request_id = { type: 'string', minLength: 8 }))).toEqual([
      ['constraint-tightened', '/components/schemas/Poll/properties/request_id/minLength', 'breaking', 'info'],
    ]);
    // Unlisted: the more severe of the request and answer readings.
    expect(change((d) => (d.components.schemas.Unlisted.properties.x = { type: ['string', 'null'] }))).toEqual([
      ['type-widened', '/components/schemas/Unlisted/properties/x/type', 'breaking', 'breaking'],
    ]);
    // Whole components: as media types of an answer or a request; unlisted, the more severe.
    expect(change((d) => delete d.components.schemas.ObservedError)).toEqual([['component-removed', '/components/schemas/ObservedError', 'info', 'breaking']]);
    expect(change((d) => delete d.components.schemas.Poll)).toEqual([['component-removed', '/components/schemas/Poll', 'breaking', 'info']]);
    expect(change((d) => delete d.components.schemas.Unlisted)).toEqual([['component-removed', '/components/schemas/Unlisted', 'breaking', 'breaking']]);
    expect(change((d) => (d.components.schemas.Fresh = { type: 'object' }))).toEqual([['component-added', '/components/schemas/Fresh', 'warning', 'breaking']]);
    expect(
      change((d) => {
        d.components.schemas.Fresh = { type: 'object' };
        ((d as unknown as Record<string, any>)['x-wai']['direct-components'].output as string[]).push('Fresh');
      }),
    ).toEqual([['component-added', '/components/schemas/Fresh', 'warning', 'info']]);
    // A component a path reaches is compared through the path only, never twice.
    expect(change((d) => (d.components.schemas.Input.properties.prompt.maxLength = 50)).map(([kind, pointer]) => [kind, pointer])).toEqual([
      ['constraint-tightened', `${RUN}/requestBody/content/application~1json/schema/properties/prompt/maxLength`],
    ]);
  });

  it('operation id and security', () => {
    expect(kinds((d) => (d.paths['/run/{model}'].post.operationId = 'runModel'))).toEqual([['operation-id-changed', `${RUN}/operationId`, 'warning', 'info']]);
    expect(kinds((d) => (d.security = [{ other: [] }] as never))).toEqual([
      ['security-changed', `${RUN}/security`, 'warning', 'warning'],
      ['security-changed', '/paths/~1old/get/security', 'warning', 'warning'],
    ]);
  });
});
