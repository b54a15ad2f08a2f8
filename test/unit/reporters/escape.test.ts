import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeXml, escapeXmlAttribute, jsonForScript, markdownCode, markdownFence, xmlSafe } from '../../../reporters/_internals/escape.js';
import { formatDuration, formatRate } from '../../../reporters/_internals/matrix.js';

describe('reporter escaping', () => {
  it('XML: the five predefined entities, characters XML cannot carry made visible, attributes on one line', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(xmlSafe('a\u0000b\u001bc\td\ne\r\ud800f\udc00g\ud83d\ude00h\uffff')).toBe('a\\u0000b\\u001bc\td\ne\r\\ud800f\\udc00g\ud83d\ude00h\\uffff');
    expect(escapeXmlAttribute('one\ntwo\r\n\tthree')).toBe('one two three');
  });

  it('HTML and JSON in a script element', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&apos;1&apos;)&quot;&gt;&amp;');
    const json = jsonForScript({ text: '</script><!-- \u2028' });
    expect(json).not.toMatch(/<|\u2028/);
    expect(JSON.parse(json)).toEqual({ text: '</script><!-- \u2028' });
  });

  it('Markdown: prose escaped on one line, code spans and fences longer than any backtick run inside', () => {
    expect(escapeMarkdown('a|b *c* <d>\n[e](f)')).toBe('a\\|b \\*c\\* &lt;d&gt; \\[e\\](f)');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('a|b', { table: true })).toBe('`a\\|b`');
    expect(markdownFence('x\n```\ny', 'sh')).toBe('````sh\nx\n```\ny\n````');
  });

  it('rates never round to 100% or 0% unless they are, durations read naturally', () => {
    expect(formatRate(null)).toBe('n/a');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(0.99999)).toBe('99.9%');
    expect(formatRate(0.00001)).toBe('0.1%');
    expect(formatRate(15 / 16)).toBe('93.8%');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(119_999)).toBe('2 min 00 s');
  });
});
