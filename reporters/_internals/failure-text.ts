/** @module A failure as plain text: the message, the exchange (request and response) and the command that reproduces it. */
import type { FailureRecord, ReportedResponse } from '../../src/harness/report.js';
import type { BodyRecord, RecordedRequest } from '../../src/targets/types.js';

/** How much of a body to show; the recorded body is already capped, views may cap it further. */
export interface TextLimits {
  /** Characters of body text kept (default: all that was recorded). */
  bodyChars?: number;
}

/** A body as text: the text itself, or what stands for binary bytes. */
export function bodyText(body: BodyRecord, limits: TextLimits = {}): string {
  switch (body.kind) {
    case 'none':
      return '(no body)';
    case 'binary':
      return `(binary body: ${body.size} bytes of ${body.contentType || 'unknown type'}, sha256 ${body.sha256}; reports keep a digest, not the bytes)`;
    case 'text': {
      const max = limits.bodyChars ?? Infinity;
      const shown = body.text.length > max ? body.text.slice(0, max) : body.text;
      const cut = shown.length < body.text.length || body.truncated;
      return cut ? `${shown}\n(body truncated: ${shown.length} of ${body.size} bytes shown)` : shown;
    }
  }
}

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

/** The request as an HTTP message: request line, headers, blank line, body. */
export function requestText(request: RecordedRequest, limits: TextLimits = {}): string {
  const head = [`${request.method} ${request.url}`, headerLines(request.headers)].filter(Boolean).join('\n');
  return request.body.kind === 'none' ? head : `${head}\n\n${bodyText(request.body, limits)}`;
}

/** The response as an HTTP message, with its timing and how a stream ended. */
export function responseText(response: ReportedResponse, limits: TextLimits = {}): string {
  const notes = [`(first byte after ${response.timing.firstByteMs} ms, complete after ${response.timing.totalMs} ms`];
  if (response.events) notes.push(`, ${response.events.length} server-sent events`);
  if (response.trailingBytes) notes.push(`, ${response.trailingBytes} bytes after the last complete event`);
  const head = [`HTTP ${response.status}`, headerLines(response.headers)].filter(Boolean).join('\n');
  return `${head}\n\n${bodyText(response.body, limits)}\n${notes.join('')})`;
}

/**
 * "expected X, actual Y, at /pointer", from whichever of those the finding carries; expected and
 * actual are left out when the message already says them.
 */
export function findingDetail(failure: Pick<FailureRecord, 'message' | 'expected' | 'actual' | 'instancePath'>): string {
  const parts: string[] = [];
  const said = failure.expected !== undefined && failure.actual !== undefined && failure.message.includes(failure.expected) && failure.message.includes(failure.actual);
  if (failure.expected !== undefined && !said) parts.push(`expected ${failure.expected}`);
  if (failure.actual !== undefined && !said) parts.push(`actual ${failure.actual}`);
  if (failure.instancePath !== undefined) parts.push(`at ${failure.instancePath === '' ? '(the whole body)' : failure.instancePath}`);
  return parts.join(', ');
}

/** What a warning means, in every view. */
export const WARNING_NOTE = 'warning: the rule rests on documentation alone, the real API is not known to enforce it; counted only by run --strict';

/** One failure as text: what broke, the exchange, and how to replay it. */
export function failureText(failure: FailureRecord, limits: TextLimits = {}): string {
  const detail = findingDetail(failure);
  const lines = [failure.message];
  if (detail) lines.push(`  (${detail})`);
  if (failure.severity === 'warning') lines.push(`  (${WARNING_NOTE})`);
  lines.push('', '--- request ---', requestText(failure.request, limits), '');
  if (failure.response) lines.push('--- response ---', responseText(failure.response, limits), '');
  if (failure.error) lines.push(`--- no response: ${failure.error.kind}: ${failure.error.message} ---`, '');
  lines.push(`--- reproduce (seed ${failure.seed}, path ${failure.path}) ---`, failure.reproduce);
  return lines.join('\n');
}
