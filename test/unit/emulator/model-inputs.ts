/** @module Valid /ai/run inputs for every catalogue model, by task: what the output-maker tests feed the makers. */
import type { Contract } from '../../../src/contract/contract.js';
import type { ModelEntry } from '../../../src/contract/types.js';
import { exampleFromSchema } from '../../../src/generate/example-from-schema.js';
import { contractResolver, subschemasAt } from '../../../src/emulator/outputs/schema-shape.js';
import { createRng } from '../../../src/emulator/rng.js';
import { encodePng } from '../../../src/media/png.js';
import { encodeWav } from '../../../src/media/wav.js';

/** An input as the server hands it to a maker: the parsed body, and the raw bytes when the body was binary. */
export interface ModelInput {
  input: Record<string, unknown>;
  rawBody?: Uint8Array;
}

/** A 3-second 16 kHz WAV: ASR answers are sized by the audio's duration. */
export const WAV_3S = encodeWav(Int16Array.from({ length: 48_000 }, (_, i) => Math.round(Math.sin(i / 8) * 3000)), 16_000);
/** A 300×200 PNG: detection boxes must fall inside it. */
export const PNG_300x200 = encodePng(new Uint8Array(300 * 200 * 3).fill(90), 300, 200);

const PROMPT = 'Explain in two sentences why the sky looks blue on a clear day';

/** A decision model's request with one question of each type (as maruel/genai's clef-flash recordings send it). */
export const DECISION_REQUEST = {
  model: 'clef-flash',
  state: ['I was charged twice for my order. Please refund the duplicate charge today.'],
  questions: {
    billing: { type: 'noul', instructions: 'Is the customer asking about billing?' },
    route: { type: 'choice', instructions: 'Which team should handle the request?', criteria: { billing: 'Charges and refunds', support: 'Technical problems' } },
    urgency: { type: 'score', instructions: 'How urgent is this request?', criteria: ['Can wait', 'Needs attention today', 'Urgent'] },
  },
};

function inputDeclares(contract: Contract, model: ModelEntry, name: string): boolean {
  return subschemasAt(contract, model, [name], 'input').length > 0;
}

/** A valid input for `model` (hand-written per task, `exampleFromSchema` for shapes the table does not know). */
export function inputFor(contract: Contract, model: ModelEntry): ModelInput {
  const has = (name: string): boolean => inputDeclares(contract, model, name);
  switch (model.task) {
    case 'text-generation':
      if (model.facts.outputStyle === 'responses') return { input: { input: PROMPT, max_output_tokens: 200 } };
      if (model.facts.outputStyle === 'decisions') return { input: DECISION_REQUEST };
      return { input: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello! How can I help?' }, { role: 'user', content: PROMPT }], max_tokens: 200 } };
    case 'text-embeddings':
      return { input: { text: ['I love matcha', 'The weather is nice today', 'I love green tea'] } };
    case 'text-classification':
      if (has('contexts')) return { input: { query: 'panda bamboo food', contexts: [{ text: 'A panda is a bear native to China.' }, { text: 'Paris is the capital of France.' }, { text: 'The giant panda eats bamboo.' }] } };
      return { input: { text: 'I really enjoyed this film, it was wonderful' } };
    case 'text-to-image':
      if (has('multipart')) {
        const boundary = 'x-boundary';
        const text = ['prompt', 'a lighthouse at dusk', 'width', '320', 'height', '256']
          .reduce<string[]>((acc, v, i, all) => (i % 2 ? acc : [...acc, `--${boundary}\r\nContent-Disposition: form-data; name="${v}"\r\n\r\n${all[i + 1]}\r\n`]), [])
          .join('') + `--${boundary}--\r\n`;
        const rawBody = new Uint8Array(Buffer.from(text));
        return { input: { multipart: { body: Array.from(rawBody), contentType: `multipart/form-data; boundary=${boundary}` } }, rawBody };
      }
      if (has('width')) return { input: { prompt: 'a lighthouse at dusk', width: 320, height: 256 } };
      return { input: { prompt: 'a lighthouse at dusk' } };
    case 'text-to-speech':
      return { input: has('text') ? { text: 'Hello there, this is a short test of speech.' } : { prompt: 'Hello there, this is a short test of speech.' } };
    case 'automatic-speech-recognition': {
      const bytes = Array.from(WAV_3S);
      if (model.id === '@cf/openai/whisper-large-v3-turbo') return { input: { audio: Buffer.from(WAV_3S).toString('base64') } };
      if (model.id === '@cf/deepgram/nova-3') return { input: { audio: { body: bytes, contentType: 'audio/wav' } }, rawBody: WAV_3S };
      return { input: { audio: bytes }, rawBody: WAV_3S };
    }
    case 'image-classification':
    case 'object-detection':
      return { input: { image: Array.from(PNG_300x200) }, rawBody: PNG_300x200 };
    case 'translation':
      if (has('target_language')) return { input: { text: ['Hello world', 'How are you today?'], target_language: 'hin_Deva' } };
      return { input: { text: 'Hello world, how are you today?', source_lang: 'en', target_lang: 'fr' } };
    case 'summarization':
      return { input: { input_text: 'The sky is blue. Light scatters in the air. Short waves scatter more than long ones. So we see blue. At sunset the light travels further and reds remain.', max_length: 40 } };
    case 'image-to-text':
      if (has('task')) return { input: { task: 'caption', image: `data:image/png;base64,${Buffer.from(PNG_300x200).toString('base64')}`, max_tokens: 30 } };
      return { input: { image: Array.from(PNG_300x200), prompt: 'Describe the image', max_tokens: 30 } };
    case 'voice-activity-detection':
      return { input: { audio: Buffer.from(WAV_3S).toString('base64') } };
    default:
      return { input: exampleFromSchema(model.input, createRng(7), { resolveRef: contractResolver(contract), baseUri: model.schemaUri }) as Record<string, unknown> };
  }
}
