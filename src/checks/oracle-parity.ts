/**
 * @module oracle.parity: a target answers a recorded request the way the recorded answer is built: the same
 * status class, media type, envelope members, output keys and value types, array shapes and stream event
 * sequence. Generated text, numbers and bytes are never compared: only structure.
 */
import { mediaType } from '../targets/redact.js';
import type { Exchange, RecordedResponse } from '../targets/types.js';
import { defineCheck } from './_internals/define.js';
import { isObject, jsonBody, operationLabel } from './_internals/exchange.js';
import { streamEvents } from './stream.js';
import type { Finding } from './types.js';

/** Differences listed per exchange before the rest are counted (one missing member repeats everywhere). */
const MAX_DIFFERENCES = 5;

/** One structural difference: where, what the recording has, what the target answered. */
interface Difference {
  path: string;
  expected: string;
  actual: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const escapeKey = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Compares two JSON values by structure. Objects: the same members, each compared. Arrays: the same
 * emptiness, the first elements compared (generated lists vary in length); numeric vectors (embeddings,
 * boxes, shapes) the same length too, as a dimension is structure.
 */
export function structuralDifferences(expected: unknown, actual: unknown, path = ''): Difference[] {
  const te = typeOf(expected);
  const ta = typeOf(actual);
  if (te !== ta) return [{ path, expected: te, actual: ta }];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if ((expected.length === 0) !== (actual.length === 0)) return [{ path, expected: `${expected.length ? 'a non-empty' : 'an empty'} array`, actual: `${actual.length ? 'a non-empty' : 'an empty'} array` }];
    const numeric = expected.length > 0 && expected.every((v) => typeof v === 'number');
    if (numeric && expected.length !== actual.length) return [{ path, expected: `${expected.length} numbers`, actual: `${actual.length} items` }];
    return expected.length ? structuralDifferences(expected[0], actual[0], `${path}/0`) : [];
  }
  if (isObject(expected) && isObject(actual)) {
    const out: Difference[] = [];
    for (const key of Object.keys(expected)) {
      const at = `${path}/${escapeKey(key)}`;
      if (!(key in actual)) out.push({ path: at, expected: `member (${typeOf(expected[key])})`, actual: 'absent' });
      else out.push(...structuralDifferences(expected[key], actual[key], at));
    }
    for (const key of Object.keys(actual)) if (!(key in expected)) out.push({ path: `${path}/${escapeKey(key)}`, expected: 'absent', actual: `member (${typeOf(actual[key])})` });
    return out;
  }
  return [];
}

/** An event's structure in one word: `[DONE]`, its JSON members, or `text`. */
function eventSignature(data: string): string {
  if (data.trim() === '[DONE]') return '[DONE]';
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? `{${Object.keys(value).sort().join(',')}}` : typeOf(value);
  } catch {
    return 'text';
  }
}

/** A stream's event sequence with repeats folded (`{response}+ {usage} [DONE]`): generated text changes counts, not structure. */
export function eventSequence(response: RecordedResponse): string {
  const { events, trailingBytes } = streamEvents(response);
  const folded: string[] = [];
  for (const event of events) {
    const signature = eventSignature(event.data);
    const last = folded.at(-1);
    if (last === signature || last === `${signature}+`) folded[folded.length - 1] = `${signature}+`;
    else folded.push(signature);
  }
  if (trailingBytes > 0) folded.push('(cut)');
  return folded.join(' ');
}

/** The differences between a recorded answer and the target's answer to the same request. */
export function answerDifferences(recorded: Exchange, actual: Exchange): Difference[] {
  const want = recorded.response;
  const got = actual.response;
  if (!want || !got) {
    if (!want && !got) return [];
    return [{ path: '', expected: want ? `an answer (${want.status})` : `no answer (${recorded.error?.kind ?? 'none'})`, actual: got ? `an answer (${got.status})` : `no answer (${actual.error?.kind ?? 'none'})` }];
  }
  const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;
  if (statusClass(want.status) !== statusClass(got.status)) return [{ path: '', expected: `status ${statusClass(want.status)} (${want.status})`, actual: `status ${got.status}` }];
  const wantType = mediaType(want.headers['content-type']);
  const gotType = mediaType(got.headers['content-type']);
  if (wantType !== gotType) return [{ path: '', expected: `Content-Type ${wantType || 'none'}`, actual: `Content-Type ${gotType || 'none'}` }];
  if (wantType === 'text/event-stream') {
    const expected = eventSequence(want);
    const seen = eventSequence(got);
    return expected === seen ? [] : [{ path: '/events', expected, actual: seen }];
  }
  const wantJson = jsonBody(want);
  if (!wantJson.ok) {
    // Binary media (images, audio): structure is the media type, already compared, and a body at all.
    return (want.bytes.length === 0) === (got.bytes.length === 0) ? [] : [{ path: '', expected: `${want.bytes.length} bytes`, actual: `${got.bytes.length} bytes` }];
  }
  const gotJson = jsonBody(got);
  if (!gotJson.ok) return [{ path: '', expected: 'a JSON body', actual: gotJson.reason }];
  return structuralDifferences(wantJson.value, gotJson.value);
}

export const oracleParity = defineCheck({
  id: 'oracle.parity',
  description: 'the target answers a recorded request with the structure of the recorded answer (status class, media type, members, value types, array shapes, stream events), never comparing generated content',
  area: 'oracle',
  applies: (exchange, context) => context.recorded !== undefined && exchange.error?.kind !== 'budget' && exchange.error?.kind !== 'aborted',
  judge: (exchange, context): Finding[] => {
    const differences = answerDifferences(context.recorded!, exchange);
    const label = operationLabel(exchange);
    const shown = differences.slice(0, MAX_DIFFERENCES).map(
      (d): Finding => ({ check: 'oracle.parity', message: `${label}: ${d.path ? `${d.path} ` : ''}differs from the recorded answer: recorded ${d.expected}, answered ${d.actual}`, ...(d.path ? { instancePath: d.path } : {}), expected: d.expected, actual: d.actual }),
    );
    if (differences.length > MAX_DIFFERENCES) shown.push({ check: 'oracle.parity', message: `${label}: ${differences.length - MAX_DIFFERENCES} more structural differences from the recorded answer` });
    return shown;
  },
});
