import { describe, expect, it } from 'vitest';
import { parsePythonLiteral, PythonLiteralError } from '../../../src/validate/python-literal.js';

describe('parsePythonLiteral', () => {
  it('reads the reprs notebooks print, as JSON values', () => {
    const text = `{'result': [{'label': 'BURRITO', 'score': 0.9999678134918213},\n  {'label': "GUAC'S", 'score': 8.5e-06}],\n 'success': True,\n 'errors': [],\n 'messages': [], 'x': None, 'y': False, 't': (1, 2)}`;
    expect(parsePythonLiteral(text)).toEqual({ result: [{ label: 'BURRITO', score: 0.9999678134918213 }, { label: "GUAC'S", score: 8.5e-6 }], success: true, errors: [], messages: [], x: null, y: false, t: [1, 2] });
  });

  it('decodes escapes and joins adjacent strings as Python does', () => {
    expect(parsePythonLiteral(`'WEBVTT\\n\\n00.280 --> 01.840\\nHello' ' world \\u00e9\\x41'`)).toBe('WEBVTT\n\n00.280 --> 01.840\nHello world éA');
    expect(parsePythonLiteral(`"I'm"`)).toBe("I'm");
  });

  it('reads negative numbers, exponents and nested containers', () => {
    expect(parsePythonLiteral('[-1, 2.5E+3, [[], {}], {1: "a"}]')).toEqual([-1, 2500, [[], {}], { 1: 'a' }]);
  });

  it('refuses what is not a literal, saying where', () => {
    expect(() => parsePythonLiteral("[TextClassification(label='NEGATIVE')]")).toThrow(PythonLiteralError);
    expect(() => parsePythonLiteral("{'a': 1")).toThrow(/offset 7/);
    expect(() => parsePythonLiteral("'open")).toThrow(/unterminated string/);
    expect(() => parsePythonLiteral('{} []')).toThrow(/text after the literal/);
    expect(() => parsePythonLiteral('float("nan")')).toThrow(PythonLiteralError);
  });
});
