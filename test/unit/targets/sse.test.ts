import { describe, expect, it } from 'vitest';
import { EventStreamRecorder } from '../../../src/targets/sse.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function record(chunks: string[]): EventStreamRecorder {
  const recorder = new EventStreamRecorder();
  chunks.forEach((chunk, i) => recorder.push(bytes(chunk), i * 10));
  return recorder;
}

describe('EventStreamRecorder', () => {
  it('records events across chunk boundaries with the time their last byte arrived', () => {
    const recorder = record(['data: a\n', '\ndata: b', 'c\n\nevent: done\ndata: [DONE]\n\n']);
    expect(recorder.events).toEqual([
      { data: 'a', atMs: 10 },
      { data: 'bc', atMs: 20 },
      { event: 'done', data: '[DONE]', atMs: 20 },
    ]);
    expect(recorder.trailingBytes).toBe(0);
  });

  it('counts bytes after the last complete event', () => {
    expect(record(['data: a\n\ndata: partial']).trailingBytes).toBe('data: partial'.length);
    expect(record(['data: a\n\ndata: b\n']).trailingBytes).toBe('data: b\n'.length);
  });

  it('accepts CRLF and CR line ends', () => {
    const crlf = record(['data: a\r\n\r', '\ndata: b\r\n']);
    expect(crlf.events.map((e) => e.data)).toEqual(['a']);
    expect(crlf.trailingBytes).toBe('data: b\r\n'.length);
    // (A CR that ends a chunk waits for the next byte, which may be its LF.)
    const cr = record(['data: a\r\rdata: b\r\rdata: c']);
    expect(cr.events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(cr.trailingBytes).toBe('data: c'.length);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const all = bytes('data: €\n\n');
    const recorder = new EventStreamRecorder();
    recorder.push(all.subarray(0, 7), 1);
    recorder.push(all.subarray(7), 2);
    expect(recorder.events).toEqual([{ data: '€', atMs: 2 }]);
  });
});
