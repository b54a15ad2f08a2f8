/**
 * @module Replays recorded catalogue answers (fixtures/catalog/) over HTTP on 127.0.0.1, in the REST
 * layout: `{url}/accounts/{id}/ai/models/search?page=N` and `.../models/schema?model=ID`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface CatalogReplay {
  /** The API root to pass as `--base-url` (`http://127.0.0.1:PORT/client/v4`). */
  url: string;
  /** Paths and queries requested, in order. */
  requests: string[];
  close: () => Promise<void>;
}

/** The first of `dirs`, last first, that holds `file`: later folders override earlier ones. */
function readFrom(dirs: readonly string[], file: string): string | undefined {
  for (const dir of [...dirs].reverse()) {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Serves the answers recorded in `dirs` (see fixtures/catalog/README.md). Needs a bearer token
 * (401 without). A page not recorded is empty; a model without a recorded schema is a 400 with
 * the v4 error envelope, as the API answers an unknown model.
 */
export async function startCatalogReplay(dirs: readonly string[]): Promise<CatalogReplay> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    };
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      return send(401, JSON.stringify({ success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null }));
    }
    const match = /^\/client\/v4\/accounts\/[^/]+\/ai\/models\/(search|schema)$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(404, JSON.stringify({ success: false, error: `no recorded answer for ${req.method} ${url.pathname}` }));
    if (match[1] === 'search') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const body = readFrom(dirs, `models/search.page-${page}.json`);
      return send(200, body ?? JSON.stringify({ result: [], result_info: { page, per_page: 0, count: 0 }, success: true, errors: [], messages: [] }));
    }
    const model = url.searchParams.get('model') ?? '';
    const body = readFrom(dirs, `models/schema/${model.replace(/\//g, '__')}.json`);
    if (body === undefined) return send(400, JSON.stringify({ result: {}, success: false, errors: [{ code: 5007, message: `No such model ${model} or task` }] }));
    return send(200, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
