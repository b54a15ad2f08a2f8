/** @module The output maker of every catalogue task, plus the async-batch answer (`requests` → `{request_id}`) they share. */
import type { TaskId } from '../../contract/types.js';
import type { OutputContext, OutputMaker } from '../types.js';
import { automaticSpeechRecognition } from './automatic-speech-recognition.js';
import { hexId } from './fake-text.js';
import { imageClassification } from './image-classification.js';
import { imageToText } from './image-to-text.js';
import { objectDetection } from './object-detection.js';
import { declares, perModel } from './schema-shape.js';
import { summarization } from './summarization.js';
import { textClassification } from './text-classification.js';
import { textEmbeddings } from './text-embeddings.js';
import { textGeneration } from './text-generation.js';
import { textToImage } from './text-to-image.js';
import { textToSpeech } from './text-to-speech.js';
import { translation } from './translation.js';
import { voiceActivityDetection } from './voice-activity-detection.js';

const answersAsync = perModel((contract, model) => declares(contract, model, ['request_id']));

/** True when the request is an async batch (`requests: [...]`) the model answers with a queue id. */
function isBatch(context: OutputContext): boolean {
  return Array.isArray(context.input.requests) && answersAsync(context.contract, context.model);
}

/** Wraps a maker so batch requests get `{request_id}` (a uuid-shaped seeded id) instead of a direct answer. */
function withBatch(maker: OutputMaker): OutputMaker {
  const wrapped: OutputMaker = {
    make: (context) => {
      if (!isBatch(context)) return maker.make(context);
      const hex = hexId(context.rng, 32);
      return { kind: 'json', result: { request_id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}` } };
    },
  };
  if (maker.stream) wrapped.stream = maker.stream.bind(maker);
  return wrapped;
}

/** One maker per task id; each picks its model's shape from `model.facts` and the model's output schema. */
export const outputMakers: Record<TaskId, OutputMaker> = {
  'text-generation': withBatch(textGeneration),
  'text-embeddings': withBatch(textEmbeddings),
  'text-classification': textClassification,
  'text-to-image': textToImage,
  'text-to-speech': textToSpeech,
  'automatic-speech-recognition': automaticSpeechRecognition,
  'image-classification': imageClassification,
  'object-detection': objectDetection,
  'translation': withBatch(translation),
  'summarization': summarization,
  'image-to-text': imageToText,
  'voice-activity-detection': voiceActivityDetection,
};
