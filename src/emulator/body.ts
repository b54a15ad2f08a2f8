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

const READING = Symbol('reading body');
/** Set once a request has the listeners below: they stay (a read that ends clears its state instead), and a second read reuses them. */
const LISTENING = Symbol('body listeners');

/** The state of one body being read, kept on its request. */
interface Reading {
  resolve(result: BodyResult): void;
  maxBytes: number;
  hardCap: number;
  chunks: Buffer[];
  size: number;
  over: boolean;
  settled: boolean;
}

type ReadingRequest = IncomingMessage & { [READING]?: Reading; [LISTENING]?: true };

function settle(req: ReadingRequest, reading: Reading, result: BodyResult): void {
  if (reading.settled) return;
  reading.settled = true;
  reading.chunks = [];
  // The listeners stay and find no state: removing four listeners cost as much as the rest of reading a small body.
  req[READING] = undefined;
  reading.resolve(result);
}

function onData(this: ReadingRequest, chunk: Buffer): void {
  const reading = this[READING];
  if (!reading) return;
  reading.size += chunk.length;
  if (reading.over) {
    if (reading.size > reading.hardCap) {
      this.pause();
      settle(this, reading, { ok: false, reason: 'too-large', closeConnection: true });
    }
    return;
  }
  if (reading.size > reading.maxBytes) {
    reading.over = true;
    reading.chunks = [];
    return;
  }
  reading.chunks.push(chunk);
}

function onEnd(this: ReadingRequest): void {
  const reading = this[READING];
  if (!reading) return;
  if (reading.over) return settle(this, reading, { ok: false, reason: 'too-large', closeConnection: false });
  const { chunks, size } = reading;
  settle(this, reading, { ok: true, body: chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size) });
}

function onError(this: ReadingRequest): void {
  const reading = this[READING];
  if (reading) settle(this, reading, { ok: false, reason: 'aborted' });
}

function onClose(this: ReadingRequest): void {
  const reading = this[READING];
  if (reading && !this.complete) settle(this, reading, { ok: false, reason: 'aborted' });
}

/**
 * Reads the body and hands it to `done` (from the request's `end` event, or at once when nothing is to be read). Past
 * `maxBytes` the bytes are discarded (not buffered) while the client finishes sending, so the 413 answer can be read
 * and the connection kept; past `hardCap` reading stops at once. No promise: the emulator's answer path reads every
 * body this way, and a promise and its microtask were a measurable part of a small answer's cost.
 */
export function readBodyThen(req: IncomingMessage, maxBytes: number, done: (result: BodyResult) => void, hardCap = Math.max(maxBytes * 4, 64 * 1024 * 1024)): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const length = Number(declared);
    if (length === 0) {
      // Still let the (empty) stream finish so the parser moves on to the next request.
      if (req.complete) return done({ ok: true, body: EMPTY });
    } else if (length > hardCap) {
      return done({ ok: false, reason: 'too-large', closeConnection: true });
    }
  }
  // The listeners are shared functions reading their state from the request (no closures per request).
  const reading = req as ReadingRequest;
  reading[READING] = { resolve: done, maxBytes, hardCap, chunks: [], size: 0, over: false, settled: false };
  if (reading[LISTENING]) return;
  reading[LISTENING] = true;
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

/** {@link readBodyThen} as a promise. */
export function readBody(req: IncomingMessage, maxBytes: number, hardCap?: number): Promise<BodyResult> {
  return new Promise<BodyResult>((resolve) => readBodyThen(req, maxBytes, resolve, hardCap));
}
