/**
 * @module Python literals as JSON: notebook outputs print answers as Python reprs (`{'result': None, ...}`), so a
 * document is kept exactly as published and read here (dicts, lists, tuples, strings, numbers, True/False/None).
 */

/** Why a text is not a Python literal, with the offset where reading stopped. */
export class PythonLiteralError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'PythonLiteralError';
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Parses one Python literal (the whole text, surrounding whitespace allowed) into the JSON value it stands for. */
export function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new PythonLiteralError(what, i);
  };

  const string = (): string => {
    const quote = text[i]!;
    const triple = text.startsWith(quote.repeat(3), i);
    const close = triple ? quote.repeat(3) : quote;
    i += close.length;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      if (text.startsWith(close, i)) {
        i += close.length;
        return out;
      }
      const c = text[i]!;
      if (c !== '\\') {
        if (c === '\n' && !triple) fail('newline in a string');
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1] ?? '';
      if (e in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[e];
        i += 2;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const size = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i + 2, i + 2 + size);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== size) fail(`bad \\${e} escape`);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + size;
      } else {
        // Python keeps an unknown escape as written.
        out += c;
        i++;
      }
    }
  };

  const sequence = (end: string): unknown[] => {
    i++;
    const items: unknown[] = [];
    for (;;) {
      skip();
      if (text[i] === end) {
        i++;
        return items;
      }
      items.push(value());
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== end) fail(`expected "," or "${end}"`);
    }
  };

  const dict = (): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      skip();
      if (text[i] === '}') {
        i++;
        return out;
      }
      const key = value();
      if (typeof key !== 'string' && typeof key !== 'number') fail('a dict key that JSON cannot hold');
      skip();
      if (text[i] !== ':') fail('expected ":"');
      i++;
      out[String(key)] = value();
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail('expected "," or "}"');
    }
  };

  const value = (): unknown => {
    skip();
    const c = text[i];
    if (c === undefined) return fail('unexpected end');
    if (c === '{') return dict();
    if (c === '[') return sequence(']');
    if (c === '(') return sequence(')');
    if (c === "'" || c === '"') {
      // Adjacent literals concatenate, as in Python (long reprs wrap that way).
      let out = string();
      for (;;) {
        const save = i;
        skip();
        if (text[i] === "'" || text[i] === '"') out += string();
        else {
          i = save;
          return out;
        }
      }
    }
    for (const [word, result] of [['True', true], ['False', false], ['None', null]] as const) {
      if (text.startsWith(word, i) && !/[\w]/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return result;
      }
    }
    const number = /^-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|nan)/.exec(text.slice(i, i + 40));
    if (number) {
      i += number[0].length;
      const parsed = Number(number[0].replace('inf', 'Infinity').replace('nan', 'NaN'));
      if (!Number.isFinite(parsed)) fail(`${number[0]} has no JSON form`);
      return parsed;
    }
    return fail(`unexpected ${JSON.stringify(c)}`);
  };

  const result = value();
  skip();
  if (i < text.length) fail('text after the literal');
  return result;
}
