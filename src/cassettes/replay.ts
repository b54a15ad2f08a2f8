/**
 * @module `mock --replay FILE.har`: recorded answers served back. A request that matches a recorded one
 * (src/cassettes/match.ts) gets the recorded status, headers and body; several recordings of the same
 * request are served in the order they were recorded (the last one repeats). Unmatched requests are the
 * emulator's to answer (`fallback`) or a 404 naming the nearest recorded request (`strict`).
 */
import { decodeBody, fromEntry, headerRecord } from './from-entry.js';
import type { Har, HarEntry } from './har-types.js';
import { distance, matchKey, requestLabel, DEFAULT_VOLATILE_FIELDS, type CredentialClass, type MatchableRequest } from './match.js';
import type { Operation } from '../targets/types.js';

/** What `--replay-mode` takes. */
export type ReplayMode = 'strict' | 'fallback';
export const REPLAY_MODES: readonly ReplayMode[] = ['strict', 'fallback'];

export interface ReplayOptions {
  /** Default `fallback`. */
  mode?: ReplayMode;
  /** JSON pointers of request members to leave out of matching (default {@link DEFAULT_VOLATILE_FIELDS}). */
  ignore?: readonly string[];
  /** Write recorded streams with the recorded mean pause between events (default: the emulator's stream delay). */
  pace?: boolean;
}

/** A recorded answer, ready to write. */
export interface ReplayedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | { chunks: Uint8Array[]; chunkDelayMs?: number };
}

/** The outcome of looking a request up. */
export type ReplayLookup = { kind: 'recorded'; answer: ReplayedAnswer; entry: number } | { kind: 'unmatched'; message: string };

/** Headers a recorded answer is not written with: the connection's own, and lengths the server recomputes. */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'content-encoding']);

interface Recorded {
  request: MatchableRequest;
  entry: HarEntry;
  /** Position in the file, for messages. */
  number: number;
}

/** A request body as matching reads it: JSON when it parses, else the bytes. */
export function matchableBody(bytes: Uint8Array, contentType: string | undefined): MatchableRequest['body'] {
  if (bytes.byteLength === 0) return undefined;
  if (!contentType || contentType.toLowerCase().includes('json')) {
    try {
      return { json: JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown };
    } catch {
      // Not JSON: compared by its bytes.
    }
  }
  return { bytes };
}

/** The recorded answer of an entry as the server writes it; streams event by event. */
function answerOf(entry: HarEntry, streamDelayMs: number, pace: boolean): ReplayedAnswer {
  const headers = Object.fromEntries(Object.entries(headerRecord(entry.response.headers)).filter(([name]) => !HOP_HEADERS.has(name)));
  const bytes = decodeBody(entry.response.content.text, entry.response.content.encoding);
  if (!(headers['content-type'] ?? '').toLowerCase().startsWith('text/event-stream')) return { status: entry.response.status, headers, body: bytes };
  // Split after each blank line, so the client receives the events one by one as they were sent.
  const text = Buffer.from(bytes).toString('utf8');
  const chunks = text.split(/(?<=\n\n)/).filter((c) => c !== '').map((c) => new Uint8Array(Buffer.from(c, 'utf8')));
  const events = entry._wai?.events;
  const recordedGap = events && events.length > 1 ? (events.at(-1)!.atMs - events[0]!.atMs) / (events.length - 1) : undefined;
  const chunkDelayMs = pace && recordedGap !== undefined ? Math.round(recordedGap) : streamDelayMs;
  return { status: entry.response.status, headers, body: { chunks, chunkDelayMs } };
}

/** The recorded requests of some HAR files, and what has been served from them. */
export class ReplayStore {
  readonly mode: ReplayMode;
  readonly ignore: readonly string[];
  readonly pace: boolean;
  /** Requests answered with a recorded answer, and those that matched none. */
  readonly stats = { matched: 0, unmatched: 0 };
  private readonly recorded: Recorded[] = [];
  private readonly byKey = new Map<string, Recorded[]>();
  private readonly served = new Map<string, number>();

  constructor(hars: readonly Har[], options: ReplayOptions = {}) {
    this.mode = options.mode ?? 'fallback';
    this.ignore = options.ignore ?? DEFAULT_VOLATILE_FIELDS;
    this.pace = options.pace ?? false;
    let number = 0;
    for (const har of hars) {
      for (const entry of har.log.entries) {
        number += 1;
        // An entry without an answer (status 0: the connection failed) has nothing to replay.
        if (entry.response.status === 0) continue;
        const read = fromEntry(entry);
        if (!read) continue;
        const spec = read.exchange.spec;
        const headers = headerRecord(entry.request.headers);
        const raw = spec.body && 'raw' in spec.body ? spec.body.raw : undefined;
        const request: MatchableRequest = {
          method: entry.request.method.toUpperCase(),
          layout: read.located.layout,
          operation: read.located.operation,
          query: read.located.query,
          credential: read.exchange.spec.auth ?? 'default',
          body: spec.body ? ('json' in spec.body ? { json: spec.body.json } : matchableBody(raw!, headers['content-type'])) : undefined,
        };
        const recorded: Recorded = { request, entry, number };
        this.recorded.push(recorded);
        const key = matchKey(request, this.ignore);
        this.byKey.set(key, [...(this.byKey.get(key) ?? []), recorded]);
      }
    }
  }

  /** Recorded requests that can be replayed. */
  get size(): number {
    return this.recorded.length;
  }

  /** Looks a request up; `undefined` in fallback mode when nothing matches (the emulator answers). */
  lookup(request: MatchableRequest, streamDelayMs: number): ReplayLookup | undefined {
    const key = matchKey(request, this.ignore);
    const candidates = this.byKey.get(key);
    if (candidates?.length) {
      const count = this.served.get(key) ?? 0;
      this.served.set(key, count + 1);
      const recorded = candidates[Math.min(count, candidates.length - 1)]!;
      this.stats.matched += 1;
      return { kind: 'recorded', answer: answerOf(recorded.entry, streamDelayMs, this.pace), entry: recorded.number };
    }
    this.stats.unmatched += 1;
    if (this.mode === 'fallback') return undefined;
    return { kind: 'unmatched', message: this.unmatchedMessage(request) };
  }

  /** Names the nearest recorded request and how it differs. */
  private unmatchedMessage(request: MatchableRequest): string {
    const head = `no recorded exchange matches ${requestLabel(request)}`;
    let best: { recorded: Recorded; score: number; difference?: string } | undefined;
    for (const recorded of this.recorded) {
      const d = distance(recorded.request, request, this.ignore);
      if (!best || d.score < best.score) best = { recorded, ...d };
    }
    if (!best) return `${head}; the cassette has no replayable exchange`;
    return `${head}; nearest recorded: entry #${best.recorded.number} ${requestLabel(best.recorded.request)}, which differs in ${best.difference ?? 'nothing but a volatile field'}`;
  }
}

/** A request as the server sees it, made matchable. */
export function matchableRequest(method: string, layout: 'rest' | 'gateway', operation: Operation, query: URLSearchParams, credential: CredentialClass, body: Uint8Array, contentType: string | undefined): MatchableRequest {
  return { method: method.toUpperCase(), layout, operation, query: Object.fromEntries(query), credential, body: matchableBody(body, contentType) };
}
