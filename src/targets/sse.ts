/** @module Server-sent events recorded as their bytes arrive: each event with its arrival time. */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { ReceivedEvent } from './types.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Feeds a `text/event-stream` body to eventsource-parser chunk by chunk, stamping each event
 * with the time its last byte arrived, and tracks where the last complete event ended so a
 * stream cut mid-event shows as `trailingBytes`.
 */
export class EventStreamRecorder {
  /** Events in arrival order. */
  readonly events: ReceivedEvent[] = [];
  readonly #parser: EventSourceParser;
  readonly #decoder = new TextDecoder('utf-8');
  #now = 0;
  // Byte scanner state: the parser reports events, not offsets, so we find blank lines ourselves.
  #offset = 0;
  #lastBoundary = 0;
  #lineEmpty = true;
  #afterCR = false;
  #boundaryAtCR = false;

  constructor() {
    this.#parser = createParser({
      onEvent: (message) => {
        const event: ReceivedEvent = { data: message.data, atMs: this.#now };
        if (message.event !== undefined) event.event = message.event;
        this.events.push(event);
      },
    });
  }

  /** Takes the next chunk of the body, which arrived `atMs` after the request was sent. */
  push(chunk: Uint8Array, atMs: number): void {
    this.#now = atMs;
    this.#scan(chunk);
    this.#parser.feed(this.#decoder.decode(chunk, { stream: true }));
  }

  /** Bytes after the end of the last complete event (the blank line that closed it). */
  get trailingBytes(): number {
    return this.#offset - this.#lastBoundary;
  }

  /** Line ends are CRLF, LF or CR (the SSE grammar); an empty line closes an event. */
  #scan(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i];
      const position = this.#offset + i;
      if (byte === LF && this.#afterCR) {
        // Second half of a CRLF already counted at the CR.
        if (this.#boundaryAtCR) this.#lastBoundary = position + 1;
        this.#afterCR = false;
        this.#boundaryAtCR = false;
      } else if (byte === LF || byte === CR) {
        const closesEvent = this.#lineEmpty;
        if (closesEvent) this.#lastBoundary = position + 1;
        this.#lineEmpty = true;
        this.#afterCR = byte === CR;
        this.#boundaryAtCR = byte === CR && closesEvent;
      } else {
        this.#lineEmpty = false;
        this.#afterCR = false;
        this.#boundaryAtCR = false;
      }
    }
    this.#offset += chunk.length;
  }
}
