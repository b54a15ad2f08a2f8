/**
 * @module What Cloudflare's edge answers before a request reaches the API: requests the HTTP parser
 * rejects (malformed, headers too large, Content-Length with Transfer-Encoding), a request line too long,
 * an HTTP/1.1 request without Host. The edge answers these with its own small HTML pages
 * (`<center>cloudflare</center>`, `Server: cloudflare`), never an empty, typeless body; the request
 * target may be in absolute form (RFC 9112 3.2.2).
 */
import type { Socket } from 'node:net';

/** Longest request target the edge accepts: "Cloudflare will generate a 414 response if the URI length exceeds 32KB" (Cloudflare docs, Error 414). */
export const MAX_URI_BYTES = 32 * 1024;

/**
 * Largest request head (request line and headers) the emulator's parser reads. Chosen: room for a
 * 32 KB request target plus ordinary headers; Cloudflare documents no single figure for the head.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  414: 'Request-URI Too Large',
  431: 'Request Header Fields Too Large',
};

/** The edge's HTML error page for a status. */
export function edgePage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Bad Request'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;
}

/** Headers of an edge page (the connection is closed after it). */
export function edgeHeaders(body: string): Record<string, string | number> {
  return { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body), server: 'cloudflare', connection: 'close' };
}

/** A whole raw HTTP/1.1 response carrying an edge page, for a socket the parser gave up on. */
export function rawEdgeResponse(status: number): string {
  const body = edgePage(status);
  const head = Object.entries(edgeHeaders(body))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\n${head}\r\n${body}`;
}

/**
 * True when the head overflowed in its request line. The parser reports the socket chunk it stopped in:
 * one with no line end yet is still inside the request line; one whose first line ends the request
 * line (`... HTTP/1.1`) either continues a request line begun in an earlier chunk or holds one longer
 * than the edge allows.
 */
function overflowsInRequestLine(rawPacket: unknown): boolean {
  if (!Buffer.isBuffer(rawPacket)) return false;
  const lineEnd = rawPacket.indexOf(0x0a);
  if (lineEnd === -1) return true;
  const tail = rawPacket.subarray(Math.max(0, lineEnd - 12), lineEnd).toString('latin1');
  if (!/ HTTP\/\d\.\d\r?$/.test(tail)) return false;
  const startsRequest = /^[A-Z]+ /.test(rawPacket.subarray(0, 16).toString('latin1'));
  return !startsRequest || lineEnd > MAX_URI_BYTES;
}

/** The status the edge answers a parser error with. */
export function statusForParserError(error: Error & { code?: string; rawPacket?: unknown }): number {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (error.code === 'HPE_HEADER_OVERFLOW') return overflowsInRequestLine(error.rawPacket) ? 414 : 431;
  return 400;
}

/**
 * node:http's `clientError` handler: answers the edge's page when nothing was sent on the socket yet
 * (a pipelined request may fail while an earlier answer is being written: then only close).
 */
export function answerParserError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawEdgeResponse(statusForParserError(error)));
}

/**
 * The origin-form path of a request target: absolute-form targets (`http://host/path?q`, RFC 9112
 * 3.2.2, as proxies send them) lose their scheme and authority; other forms are returned unchanged.
 */
export function originForm(target: string): string {
  if (target.charCodeAt(0) === 0x2f) return target;
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (!match) return target;
  const rest = target.slice(match[0].length);
  return rest === '' || rest.charCodeAt(0) === 0x3f ? `/${rest}` : rest;
}

/** The edge's refusal of a parsed request (URI too long, HTTP/1.1 without Host), or undefined to go on. */
export function edgeRefusal(url: string, httpVersion: string, host: string | undefined): number | undefined {
  if (url.length > MAX_URI_BYTES) return 414;
  if (httpVersion === '1.1' && host === undefined) return 400;
  return undefined;
}
