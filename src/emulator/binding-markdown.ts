/**
 * @module `env.AI.toMarkdown()` for the emulator: real conversion of the text formats (HTML with node-html-markdown,
 * Markdown and plain text as they are, CSV to a table, JSON to a fenced block, XML to a nested list). Formats that
 * need models or document parsers on Cloudflare's side (PDF, images, Office documents...) are answered with a
 * `format: "error"` result that says so, as the real service answers a file it cannot convert. The conversion
 * options that apply to those formats are honoured (`output.format`, `html.hostname`, `html.cssSelector`); the
 * image and PDF options apply only to formats the emulator does not convert.
 */
import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import type * as HtmlMarkdown from 'node-html-markdown';
import type * as HtmlParser from 'node-html-parser';
import type { HTMLElement } from 'node-html-parser';
import type RemoveMarkdown from 'remove-markdown';
import { stableUuid } from './catalog.js';
import { tokenize } from './outputs/fake-text.js';

/**
 * The converters' libraries, loaded on the first conversion (their CommonJS builds, synchronously): loading them took
 * ~45 ms of every process that imports the emulator (each `run`, `mock`), most of which never converts a document.
 */
interface Libraries {
  XMLParser: typeof FastXmlParser.XMLParser;
  XMLValidator: typeof FastXmlParser.XMLValidator;
  NodeHtmlMarkdown: typeof HtmlMarkdown.NodeHtmlMarkdown;
  parseHtml: typeof HtmlParser.parse;
  removeMarkdown: typeof RemoveMarkdown;
}
let loaded: Libraries | undefined;
function libraries(): Libraries {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const xml = require('fast-xml-parser') as typeof FastXmlParser;
  loaded = {
    XMLParser: xml.XMLParser,
    XMLValidator: xml.XMLValidator,
    NodeHtmlMarkdown: (require('node-html-markdown') as typeof HtmlMarkdown).NodeHtmlMarkdown,
    parseHtml: (require('node-html-parser') as typeof HtmlParser).parse,
    removeMarkdown: require('remove-markdown') as typeof RemoveMarkdown,
  };
  return loaded;
}

/** A file as the binding sends it (`MarkdownDocument` with its blob read to base64). */
export interface MarkdownFile {
  name: string;
  mimeType: string;
  /** Base64. */
  data: string;
}

/** One result, as `toMarkdown()` returns it. */
export type ConversionResult =
  | { id: string; name: string; mimeType: string; format: 'markdown' | 'text'; tokens: number; data: string }
  | { id: string; name: string; mimeType: string; format: 'error'; error: string };

/**
 * The conversion options the emulator honours (workers-types' `ConversionOptions`; semantics from the docs' "Conversion
 * Options" page: `format: "text"` is "plain text with Markdown syntax removed", `hostname` is "the host used when
 * resolving relative links inside the HTML", `cssSelector` "picks specific elements from your HTML").
 */
export interface MarkdownConversionOptions {
  output?: { format?: 'markdown' | 'text' };
  html?: { hostname?: string; cssSelector?: string };
}

type Converter = (text: string, options: MarkdownConversionOptions) => { ok: true; markdown: string } | { ok: false; error: string };

/** The formats the emulator converts: what `toMarkdown().supported()` lists. */
export const SUPPORTED_FORMATS: readonly { mimeType: string; extension: string }[] = [
  { extension: '.html', mimeType: 'text/html' },
  { extension: '.htm', mimeType: 'text/html' },
  { extension: '.md', mimeType: 'text/markdown' },
  { extension: '.csv', mimeType: 'text/csv' },
  { extension: '.json', mimeType: 'application/json' },
  { extension: '.xml', mimeType: 'application/xml' },
  { extension: '.xml', mimeType: 'text/xml' },
  { extension: '.txt', mimeType: 'text/plain' },
];

/** The base relative links resolve against: a bare host is served over https, a value with a scheme is taken as it is. */
function baseUrlOf(hostname: string): URL | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(hostname) ? hostname : `https://${hostname}/`);
  } catch {
    return undefined;
  }
}

const LINK_ATTRIBUTES: readonly [selector: string, attribute: string][] = [
  ['a[href]', 'href'],
  ['img[src]', 'src'],
];

const html: Converter = (text, options) => {
  const { hostname, cssSelector } = options.html ?? {};
  if (hostname === undefined && cssSelector === undefined) return { ok: true, markdown: libraries().NodeHtmlMarkdown.translate(text) };
  const root = libraries().parseHtml(text);
  if (hostname !== undefined) {
    const base = baseUrlOf(hostname);
    if (!base) return { ok: false, error: `conversionOptions.html.hostname "${hostname}" is not a host name or URL` };
    for (const [selector, attribute] of LINK_ATTRIBUTES) {
      for (const element of root.querySelectorAll(selector)) {
        const value = element.getAttribute(attribute) ?? '';
        // Fragments and other schemes (mailto:, data:) are not relative links.
        if (value === '' || value.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(value)) continue;
        element.setAttribute(attribute, new URL(value, base).href);
      }
    }
  }
  let picked: HTMLElement[] = [root];
  if (cssSelector !== undefined) {
    try {
      picked = root.querySelectorAll(cssSelector);
    } catch (error) {
      return { ok: false, error: `conversionOptions.html.cssSelector "${cssSelector}" is not a CSS selector: ${(error as Error).message}` };
    }
  }
  return { ok: true, markdown: libraries().NodeHtmlMarkdown.translate(picked.map((element) => element.outerHTML).join('\n')) };
};
const asIs: Converter = (text) => ({ ok: true, markdown: text });

/** RFC 4180 fields: quoted fields may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

const cell = (text: string | undefined): string => (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>').trim();

const csv: Converter = (text) => {
  const rows = parseCsv(text);
  if (rows.length === 0) return { ok: true, markdown: '' };
  const width = Math.max(...rows.map((r) => r.length));
  const line = (r: string[]) => `| ${Array.from({ length: width }, (_, i) => cell(r[i])).join(' | ')} |`;
  const [head, ...body] = rows;
  return { ok: true, markdown: [line(head!), `| ${Array.from({ length: width }, () => '---').join(' | ')} |`, ...body.map(line)].join('\n') + '\n' };
};

const json: Converter = (text) => {
  try {
    return { ok: true, markdown: `\`\`\`json\n${JSON.stringify(JSON.parse(text), null, 2)}\n\`\`\`\n` };
  } catch (error) {
    return { ok: false, error: `not valid JSON: ${(error as Error).message}` };
  }
};

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function xmlList(nodes: XmlNode[], depth: number, out: string[]): void {
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (name === undefined) continue;
    const indent = '  '.repeat(depth);
    if (name === '#text') {
      out.push(`${indent}- ${String(node[name]).trim()}`);
      continue;
    }
    if (name.startsWith('?') || name === '#comment') continue;
    const attributes = Object.entries(node[':@'] ?? {}).map(([k, v]) => `${k.replace(/^@_/, '')}="${v}"`);
    const children = (node[name] as XmlNode[]) ?? [];
    const onlyText = children.length === 1 && Object.keys(children[0]!).includes('#text');
    const label = `${indent}- **${name}**${attributes.length ? ` (${attributes.join(', ')})` : ''}`;
    if (onlyText) out.push(`${label}: ${String(children[0]!['#text']).trim()}`);
    else {
      out.push(label);
      xmlList(children, depth + 1, out);
    }
  }
}

const xml: Converter = (text) => {
  const { XMLParser, XMLValidator } = libraries();
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, error: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
  const tree = new XMLParser({ preserveOrder: true, ignoreAttributes: false, trimValues: true }).parse(text) as XmlNode[];
  const out: string[] = [];
  xmlList(tree, 0, out);
  return { ok: true, markdown: out.join('\n') + '\n' };
};

const BY_MEDIA_TYPE: Record<string, Converter> = {
  'text/html': html,
  'application/xhtml+xml': html,
  'text/markdown': asIs,
  'text/x-markdown': asIs,
  'text/plain': asIs,
  'text/csv': csv,
  'application/json': json,
  'application/xml': xml,
  'text/xml': xml,
};

const BY_EXTENSION: Record<string, string> = {
  html: 'text/html',
  htm: 'text/html',
  xhtml: 'application/xhtml+xml',
  md: 'text/markdown',
  markdown: 'text/markdown',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
};

/** The media type a file is converted as: its own when the emulator knows it, else the one its extension names. */
function mediaTypeOf(file: MarkdownFile): string {
  const own = (file.mimeType ?? '').split(';')[0]!.trim().toLowerCase();
  if (BY_MEDIA_TYPE[own]) return own;
  const extension = /\.([A-Za-z0-9]+)$/.exec(file.name ?? '')?.[1]?.toLowerCase();
  return (extension && BY_EXTENSION[extension]) || own;
}

const NOT_CONVERTED =
  'is not converted by the wai-conformance emulator: it converts HTML, Markdown, CSV, JSON, XML and plain text; PDF, images, Office and other documents need Cloudflare\'s converters';

/**
 * The options of a `toMarkdown()` call (`options.conversionOptions`), or a message saying which one is malformed.
 * Members the emulator does not use (image and PDF options, unknown ones) are left alone, as forward-compatible
 * services do.
 */
export function readConversionOptions(raw: unknown): { ok: true; options: MarkdownConversionOptions } | { ok: false; error: string } {
  if (raw === undefined || raw === null) return { ok: true, options: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'conversionOptions must be an object' };
  const { output, html } = raw as { output?: unknown; html?: unknown };
  const options: MarkdownConversionOptions = {};
  if (output !== undefined) {
    const format = typeof output === 'object' && output !== null ? (output as { format?: unknown }).format : output;
    if (format !== undefined && format !== 'markdown' && format !== 'text') return { ok: false, error: 'conversionOptions.output.format must be "markdown" or "text"' };
    if (format !== undefined) options.output = { format };
  }
  if (html !== undefined) {
    if (typeof html !== 'object' || html === null || Array.isArray(html)) return { ok: false, error: 'conversionOptions.html must be an object' };
    const { hostname, cssSelector } = html as { hostname?: unknown; cssSelector?: unknown };
    for (const [name, value] of [['hostname', hostname], ['cssSelector', cssSelector]] as const) {
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) return { ok: false, error: `conversionOptions.html.${name} must be a non-empty string` };
    }
    options.html = { ...(hostname !== undefined ? { hostname: hostname as string } : {}), ...(cssSelector !== undefined ? { cssSelector: cssSelector as string } : {}) };
  }
  return { ok: true, options };
}

/** Converts one file; never throws (a file it cannot convert gets a `format: "error"` result). */
export function convertToMarkdown(file: MarkdownFile, options: MarkdownConversionOptions = {}): ConversionResult {
  const name = typeof file.name === 'string' ? file.name : '';
  const mimeType = typeof file.mimeType === 'string' ? file.mimeType : '';
  const data = typeof file.data === 'string' ? file.data : '';
  const id = stableUuid(`markdown:${name}:${data.length}:${data.slice(0, 64)}`);
  const mediaType = mediaTypeOf({ name, mimeType, data });
  const convert = BY_MEDIA_TYPE[mediaType];
  if (!convert) return { id, name, mimeType, format: 'error', error: `${name || 'the file'} (${mimeType || 'no media type'}) ${NOT_CONVERTED}` };
  const text = Buffer.from(data, 'base64').toString('utf8');
  const converted = convert(text, options);
  if (!converted.ok) return { id, name, mimeType, format: 'error', error: `${name || 'the file'}: ${converted.error}` };
  const format = options.output?.format ?? 'markdown';
  const output = format === 'text' ? libraries().removeMarkdown(converted.markdown) : converted.markdown;
  return { id, name, mimeType, format, tokens: tokenize(output).filter((t) => t.trim() !== '').length, data: output };
}
