import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { Verifier } from '@pact-foundation/pact';
const R = (matchers: unknown[], combine = 'AND') => ({ combine, matchers });
const answers: Record<string, { status: number; type: string; body: string }> = {
  '/or': { status: 200, type: 'application/json', body: JSON.stringify({ code: '123', n: null, arr: [], arr2: [{ a: 1, x: 'extra' }, { a: 2 }, { a: 3 }], score: 1 }) },
  '/or-bad': { status: 200, type: 'application/json', body: JSON.stringify({ code: 'abc', n: 5, arr: [1], arr2: [{ a: 'no' }], score: 'x' }) },
  '/status': { status: 403, type: 'application/json', body: '{}' },
  '/bin': { status: 200, type: 'image/png', body: '\x89PNG....' },
};
const server = createServer((req, res) => { const a = answers[req.url!]!; res.writeHead(a.status, { 'content-type': a.type, 'x-auth-seen': String(req.headers.authorization) }); res.end(a.body); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const bodyRules = {
  '$.code': R([{ match: 'integer' }, { match: 'regex', regex: '^[0-9]+$' }], 'OR'),
  '$.n': R([{ match: 'type' }, { match: 'null' }], 'OR'),
  '$.arr': R([{ match: 'type', min: 0 }]),
  '$.arr2': R([{ match: 'type', min: 1 }]),
  '$.arr2[*].a': R([{ match: 'integer' }]),
  '$.score': R([{ match: 'number' }]),
};
const body = { code: 5, n: 'x', arr: [7], arr2: [{ a: 1 }, { a: 4 }], score: 0.5 };
const mk = (desc: string, path: string, response: unknown) => ({ type: 'Synchronous/HTTP', description: desc, request: { method: 'GET', path, headers: { Authorization: ['Bearer example'] }, matchingRules: { header: { Authorization: R([{ match: 'regex', regex: '^Bearer .+$' }]) } } }, response });
const pact = {
  consumer: { name: 'c' }, provider: { name: 'p' },
  interactions: [
    mk('or good', '/or', { status: 200, headers: { 'Content-Type': ['application/json'] }, body: { content: body, contentType: 'application/json', encoded: false }, matchingRules: { body: bodyRules, header: { 'Content-Type': R([{ match: 'regex', regex: '^application/json' }]) } } }),
    mk('or bad', '/or-bad', { status: 200, body: { content: body, contentType: 'application/json', encoded: false }, matchingRules: { body: bodyRules } }),
    mk('status 401|403', '/status', { status: 401, matchingRules: { status: { '$': R([{ match: 'statusCode', status: [401, 403] }]) } } }),
    mk('binary', '/bin', { status: 200, headers: { 'Content-Type': ['image/png'] }, matchingRules: { header: { 'Content-Type': R([{ match: 'regex', regex: '^image/png' }]) } } }),
  ],
  metadata: { pactSpecification: { version: '4.0' } },
};
writeFileSync('/tmp/pactscratch/v/p.json', JSON.stringify(pact, null, 2));
const w = process.stdout.write.bind(process.stdout); (process.stdout as any).write = () => true; console.log = () => {};
try {
  const out = await new Verifier({ providerBaseUrl: `http://127.0.0.1:${port}`, pactUrls: ['/tmp/pactscratch/v/p.json'], logLevel: 'error', requestFilter: (req, _res, next) => { if (req.headers.authorization) req.headers.authorization = 'Bearer REAL'; next(); } } as any).verifyProvider();
  process.stderr.write('RESOLVED\n');
} catch (e) { process.stderr.write('REJECTED\n'); }
(process.stdout as any).write = w; server.close(); w("done\n");
