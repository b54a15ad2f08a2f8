/** @module content-type: the Content-Type header is the documented media type, and binary bytes are what the header says. */
import { bareMediaType, mediaTypeMatches, sniffMediaType } from '../media/sniff.js';
import type { Exchange } from '../targets/types.js';
import { defineCheck } from './_internals/define.js';
import { documentedResponse } from './_internals/documented.js';
import { header, inputOf, isRun, isSuccessStatus, modelOf, operationLabel, streamRequested } from './_internals/exchange.js';
import { requestedAudioType } from './_internals/media.js';
import type { CheckContext, Finding } from './types.js';

/** Media types whose bytes we can recognise, so a header that lies about them is caught. */
const SNIFFABLE = new Set(['image/png', 'image/jpeg', 'image/webp', 'audio/mpeg', 'audio/wav', 'audio/ogg', 'audio/flac']);

/**
 * The media types the answer may have, or undefined when nothing is documented to judge by. Streamed
 * successes are stream.framing's to judge (it needs the content type before it can read events).
 */
export function expectedMediaTypes(exchange: Exchange, context: CheckContext): string[] | undefined {
  const response = exchange.response;
  if (!response) return undefined;
  if (isSuccessStatus(response.status)) {
    if (streamRequested(exchange, context)) return undefined;
    if (!isRun(exchange)) return ['application/json'];
    const model = modelOf(exchange, context);
    if (!model) return undefined;
    if (model.task === 'text-to-speech' && !model.facts.response.envelope) {
      const requested = requestedAudioType(inputOf(exchange, context));
      if (requested) return [requested];
    }
    return [model.facts.response.contentType];
  }
  const documented = documentedResponse(context.contract, exchange, response.status);
  if (!documented || documented.media.size === 0) return undefined;
  return [...documented.media.keys()];
}

/** content-type: the header names the expected media type; for binary answers the bytes agree with it. */
export const contentType = defineCheck({
  id: 'content-type',
  description: 'the Content-Type is the documented media type (JSON, or the model\'s binary type), and binary bytes match it',
  area: 'headers',
  applies: (exchange, context) => expectedMediaTypes(exchange, context) !== undefined,
  judge(exchange, context): Finding[] {
    const response = exchange.response!;
    const expected = expectedMediaTypes(exchange, context)!;
    const label = `${operationLabel(exchange)} (${response.status})`;
    const actual = header(response.headers, 'content-type');
    const wanted = expected.join(' or ');
    if (actual === undefined || actual.trim() === '') return [{ check: 'content-type', message: `${label}: no Content-Type header, expected ${wanted}`, expected: wanted, actual: 'no header' }];
    if (!expected.some((type) => mediaTypeMatches(type, actual))) {
      return [{ check: 'content-type', message: `${label}: Content-Type is ${actual}, expected ${wanted}`, expected: wanted, actual }];
    }
    const declared = bareMediaType(actual);
    if (!SNIFFABLE.has(declared)) return [];
    const sniffed = sniffMediaType(response.bytes);
    if (sniffed === declared) return [];
    return [
      {
        check: 'content-type',
        message: `${label}: Content-Type says ${declared} but the ${response.bytes.length} body bytes are ${sniffed ?? 'not recognisable as any known media type'}`,
        expected: declared,
        actual: sniffed ?? 'unrecognised bytes',
      },
    ];
  },
});
