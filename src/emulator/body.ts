/** @module Reads a request body into memory with a size limit. */
import type { IncomingMessage } from 'node:http';

/** The default limit on request bodies: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export type BodyResult =
  | { ok: true; body: Buffer }
  /**
   * `too-large`: over the limit. `closeConnection` when the rest of the body was not read (it was far
   * over the limit), so the connection cannot be reused.
   */
  | { ok: false; reason: 'too-large'; closeConnection: boolean }
  | { ok: false; reason: 'aborted' };

const EMPTY = Buffer.alloc(0);

/**
 * Reads the body. Past `maxBytes` the bytes are discarded (not buffered) while the client finishes
 * sending, so the 413 answer can be read and the connection kept; past `hardCap` reading stops at once.
 */
export function readBody(req: IncomingMessage, maxBytes: number, hardCap = Math.max(maxBytes * 4, 64 * 1024 * 1024)): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const length = Number(declared);
    if (length === 0) {
      // Still let the (empty) stream finish so the parser moves on to the next request.
      if (req.complete) return Promise.resolve({ ok: true, body: EMPTY });
    } else if (length > hardCap) {
      return Promise.resolve({ ok: false, reason: 'too-large', closeConnection: true });
    }
  }
  return new Promise<BodyResult>((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (over) {
        if (size > hardCap) {
          req.pause();
          settle({ ok: false, reason: 'too-large', closeConnection: true });
        }
        return;
      }
      if (size > maxBytes) {
        over = true;
        chunks = [];
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (over) settle({ ok: false, reason: 'too-large', closeConnection: false });
      else settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size) });
    };
    const onError = (): void => settle({ ok: false, reason: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) settle({ ok: false, reason: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
