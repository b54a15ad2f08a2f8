import { describe, expect, it } from 'vitest';
import { severityOf } from '../../../src/checks/index.js';
import { loadContract } from '../../../src/contract/load.js';
import { labelScoreProblems } from '../../../src/checks/semantics/text-classification.js';
import { jsonModeProblems, maxTokensProblems, toolCallProblems, usageProblems } from '../../../src/checks/semantics/text-generation.js';
import { nonEmptyTextProblems } from '../../../src/checks/semantics/answer.js';

const contract = loadContract();
const severities = (problems: { severity?: string }[]) => problems.map((p) => p.severity ?? 'error');

describe('severity of output rules: established rules are errors, rules resting on documentation alone warnings', () => {
  it('usage that does not add up is an error; a completion past max_tokens is a warning', () => {
    expect(severities(usageProblems({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 9 }, '/result/usage'))).toEqual(['error']);
    expect(severities(maxTokensProblems({ prompt_tokens: 3, completion_tokens: 40, total_tokens: 43 }, '/result/usage', { limit: 8, source: 'max_tokens' }))).toEqual(['warning']);
  });

  it('a score outside [0, 1] is an error; scores that do not sum to 1 are a warning', () => {
    const model = contract.model('@cf/huggingface/distilbert-sst-2-int8')!;
    const context = { model, input: { text: 'x' }, base: '/result' };
    expect(severities(labelScoreProblems([{ label: 'NEGATIVE', score: 1.5 }, { label: 'POSITIVE', score: 0 }], context))).toEqual(['error', 'warning']);
    expect(severities(labelScoreProblems([{ label: 'NEGATIVE', score: 0.2 }, { label: 'POSITIVE', score: 0.2 }], context))).toEqual(['warning']);
  });

  it('JSON mode, tool calls and non-empty texts rest on documentation alone', () => {
    expect(severities(jsonModeProblems('not json', '/result/response', { type: 'json_object' }))).toEqual(['warning']);
    expect(severities(toolCallProblems([{ name: 'unoffered', arguments: {} }], '/result/tool_calls', new Set(['offered'])))).toEqual(['warning']);
    expect(severities(nonEmptyTextProblems(' ', '/result/summary', 'a summary'))).toEqual(['warning']);
  });

  it('a result is an error when any finding is one, a warning only when all are', () => {
    expect(severityOf([{ severity: 'warning' }, {}])).toBe('error');
    expect(severityOf([{ severity: 'warning' }, { severity: 'warning' }])).toBe('warning');
  });
});
