/** @module output.semantics: what a schema cannot say about a successful /ai/run answer, by task. */
import type { TaskId } from '../../contract/types.js';
import type { Exchange } from '../../targets/types.js';
import { defineCheck } from '../_internals/define.js';
import { header, inputOf, isObject, isRun, isSuccessStatus, jsonValue, modelOf, rawRequestBytes, streamRequested } from '../_internals/exchange.js';
import { toFindings } from '../_internals/problem.js';
import type { CheckContext, Finding } from '../types.js';
import type { Answer, SemanticsContext, TaskSemantics } from './answer.js';
import { speechRecognitionSemantics } from './automatic-speech-recognition.js';
import { imageClassificationSemantics } from './image-classification.js';
import { imageToTextSemantics } from './image-to-text.js';
import { objectDetectionSemantics } from './object-detection.js';
import { summarizationSemantics } from './summarization.js';
import { textClassificationSemantics } from './text-classification.js';
import { textEmbeddingsSemantics } from './text-embeddings.js';
import { textGenerationSemantics } from './text-generation.js';
import { textToImageSemantics } from './text-to-image.js';
import { textToSpeechSemantics } from './text-to-speech.js';
import { translationSemantics } from './translation.js';
import { voiceActivitySemantics } from './voice-activity-detection.js';

/** The semantic rules of every task. */
export const TASK_SEMANTICS: Record<TaskId, TaskSemantics> = {
  'text-generation': (answer, context) => (answer.kind === 'json' ? textGenerationSemantics(answer.result, context.base, context.input, context.model) : []),
  'text-embeddings': textEmbeddingsSemantics,
  'text-classification': textClassificationSemantics,
  'text-to-image': textToImageSemantics,
  'text-to-speech': textToSpeechSemantics,
  'automatic-speech-recognition': speechRecognitionSemantics,
  'image-classification': imageClassificationSemantics,
  'object-detection': objectDetectionSemantics,
  translation: translationSemantics,
  summarization: summarizationSemantics,
  'image-to-text': imageToTextSemantics,
  'voice-activity-detection': voiceActivitySemantics,
};

/** The answer of a successful, non-streamed /ai/run exchange: the envelope's `result`, or a binary model's bytes. */
export function runAnswer(exchange: Exchange, context: CheckContext): Answer | undefined {
  const response = exchange.response;
  if (!response || !isRun(exchange) || !isSuccessStatus(response.status) || streamRequested(exchange, context)) return undefined;
  const model = modelOf(exchange, context);
  if (!model) return undefined;
  if (!model.facts.response.envelope) {
    // A binary model that answered JSON is content-type's finding; there are no bytes to judge.
    const type = header(response.headers, 'content-type') ?? '';
    return type.includes('json') ? undefined : { kind: 'binary', bytes: response.bytes, contentType: type };
  }
  const body = jsonValue(response);
  return isObject(body) && 'result' in body ? { kind: 'json', result: body.result } : undefined;
}

/** output.semantics: dispatches on the model's task; each task's rules live in `semantics/<task>.ts`. */
export const outputSemantics = defineCheck({
  id: 'output.semantics',
  description: 'a successful /ai/run answer means what the task promises (token accounting, limits, JSON mode, tool calls, vector sizes, scores, times, media)',
  area: 'output',
  applies: (exchange, context) => runAnswer(exchange, context) !== undefined,
  judge(exchange, context): Finding[] {
    const answer = runAnswer(exchange, context)!;
    const model = modelOf(exchange, context)!;
    const raw = rawRequestBytes(exchange);
    const semanticsContext: SemanticsContext = {
      model,
      input: inputOf(exchange, context),
      ...(raw ? { rawInput: raw } : {}),
      base: answer.kind === 'json' ? '/result' : '',
    };
    return toFindings('output.semantics', TASK_SEMANTICS[model.task](answer, semanticsContext));
  },
});
