/** @module Escaping for the text formats reporters write: XML, HTML, Markdown and JSON inside a script element. */

/**
 * Characters XML 1.0 cannot carry at all, even escaped: C0 controls but tab, newline and carriage
 * return, lone surrogates, U+FFFE and U+FFFF. A response body can hold any of them.
 */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces what XML cannot carry with a visible `\uXXXX`, so the text stays readable and the file stays well-formed. */
export function xmlSafe(text: string): string {
  return text.replace(XML_INVALID, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes text for an XML (or HTML) element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/**
 * Escapes text for a double-quoted XML attribute, on one line: parsers normalise line breaks in
 * attributes to spaces anyway, and numeric references trip simple parsers.
 */
export function escapeXmlAttribute(text: string): string {
  return escapeXml(text.replace(/[\r\n\t]+/g, ' '));
}

/** Only the five predefined entities: every XML parser knows them, numeric references not always. */
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/**
 * JSON for a `<script type="application/json">` element: `<` is escaped so no `</script>` or
 * `<!--` inside the data can end or change the element; U+2028/9 for old JavaScript parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for Markdown prose and table cells: no HTML, no table breaks, one line. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[&<>]/g, (c) => XML_ENTITIES[c]!)
    .replace(/([\\`*_[\]|#])/g, '\\$1');
}

/** An inline code span that holds `text` whatever backticks it contains (one line); `table` escapes pipes for a table cell. */
export function markdownCode(text: string, options: { table?: boolean } = {}): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const oneLine = options.table ? flat.replace(/\|/g, '\\|') : flat;
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** A fenced code block that holds `text` whatever backtick fences it contains. */
export function markdownFence(text: string, info = ''): string {
  const longest = Math.max(2, ...(text.match(/^`{3,}/gm) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text.replace(/\n$/, '')}\n${fence}`;
}
