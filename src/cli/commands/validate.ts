/** @module `wai-conformance validate`: judge one captured document, or a whole corpus folder, by the contract. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadContract } from '../../contract/load.js';
import type { OpenAiEndpoint } from '../../targets/types.js';
import { CAPTURED_PARTS, CapturedDocumentError, isSchemaPart, judgeBySchemas, OPENAI_ENDPOINTS, type CapturedDocument, type CapturedPart } from '../../validate/document.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';

export const VALIDATE_USAGE = `wai-conformance validate --model ID [--part PART] [--endpoint ENDPOINT] [--content-type TYPE] [FILE|-]
wai-conformance validate --corpus DIR
  Validate one captured document against the contract (standard input when FILE is - or absent).
  --part input      the request body of /ai/run for that model
  --part output     the model's output (the envelope's "result", or the raw bytes of a binary answer)
  --part response   the whole answer: the v4 envelope, result included (default); with --endpoint, an /ai/v1 body
  --part stream     an SSE transcript of /ai/run (or of /ai/v1 with --endpoint), judged as stream.framing judges it
  --part binding    what env.AI.run returned: the bare output, or the bytes of a binary answer
  --part error      an error body (the v4 error envelope; with --endpoint messages, Anthropic's error body)
  A partner model of the unified catalogue (\`models\` lists them, e.g. inworld/tts-1.5-mini) is judged by its
  POST /ai/run forms: response and binding {state: "Completed", result, gatewayMetadata} (result by the model's
  output schema) or {state: "Failed", error}; error {state: "Failed", error} or the v4 envelope.
  --endpoint        chat/completions, completions, embeddings, responses or messages: the document is from /ai/v1
                    (--model is then optional: the body's "model" is used)
  --content-type    the answer's Content-Type, for binary answers (image/png, audio/mpeg, ...)
  --corpus DIR      judge every document DIR/manifest.yaml lists; rejections listed in DIR/disagreements.yaml are
                    known; prints accepted/total per task, source kind and part
  Exit 0 valid, 1 invalid (one error a line: JSON pointer or check, expected, found; for --corpus: a rejection
  not listed, or a listed one now accepted), 2 usage error.`;

function readEndpoint(value: string | undefined): OpenAiEndpoint | undefined {
  if (value === undefined) return undefined;
  if (!OPENAI_ENDPOINTS.includes(value as OpenAiEndpoint)) throw new UsageError(`--endpoint must be one of ${OPENAI_ENDPOINTS.join(', ')}, not "${value}"`);
  return value as OpenAiEndpoint;
}

async function readSource(file: string | undefined, io: Io): Promise<{ bytes: Buffer; name: string }> {
  if (file === undefined || file === '-') return { bytes: await io.stdin(), name: 'standard input' };
  try {
    return { bytes: await readFile(file), name: file };
  } catch (cause) {
    throw new UsageError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
}

/** `--corpus DIR` (its module, with the YAML parser, loaded only for it: a plain validate must start fast). */
async function corpusCommand(dir: string, spec: string | undefined, io: Io): Promise<number> {
  const { corpusAgrees, CorpusError, formatCorpusReport, judgeCorpus } = await import('../../validate/corpus.js');
  try {
    const report = judgeCorpus(loadContract(spec), dir);
    io.out(formatCorpusReport(report));
    return corpusAgrees(report) ? EXIT.ok : EXIT.nonConformant;
  } catch (cause) {
    if (cause instanceof CorpusError) throw new UsageError(cause.message);
    throw cause;
  }
}

export async function validateCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string' },
      part: { type: 'string', default: 'response' },
      endpoint: { type: 'string' },
      'content-type': { type: 'string' },
      corpus: { type: 'string' },
      spec: { type: 'string' },
    },
  });
  if (values.corpus !== undefined) {
    if (positionals.length > 0 || values.model || values.endpoint) throw new UsageError('--corpus takes a folder alone (no FILE, --model or --endpoint)');
    return corpusCommand(values.corpus, values.spec, io);
  }
  if (!CAPTURED_PARTS.includes(values.part as CapturedPart)) throw new UsageError(`--part must be one of ${CAPTURED_PARTS.join(', ')}, not "${values.part}"`);
  const part = values.part as CapturedPart;
  const endpoint = readEndpoint(values.endpoint);
  if (endpoint && (part === 'input' || part === 'output' || part === 'binding')) throw new UsageError(`--endpoint goes with --part response, stream or error, not ${part}`);
  if (!values.model && !endpoint && part !== 'error') throw new UsageError('--model is required (except for /ai/v1 documents with --endpoint, and error bodies)');
  if (positionals.length > 1) throw new UsageError(`expected one FILE, got ${positionals.length}`);
  const contract = loadContract(values.spec);
  const model = values.model ? contract.model(values.model) : undefined;
  // A partner model of the unified catalogue (POST /ai/run with {model, input}) is judged by its own answer forms.
  const partner = values.model && !model && !endpoint ? contract.partnerModel(values.model) : undefined;
  if (partner && part === 'stream') throw new UsageError(`--part stream is not described for the partner model ${partner.id} (its /ai/run answers are JSON)`);
  // A Messages model (anthropic/...) is no catalogue model: with --endpoint messages the body is judged without one.
  if (values.model && !model && !partner && !(endpoint === 'messages' && contract.messagesModels().includes(values.model))) throw new UsageError(`unknown model "${values.model}" (run \`wai-conformance models\` for the catalogue)`);
  const { bytes, name } = await readSource(positionals[0], io);

  const doc: CapturedDocument = {
    part,
    bytes,
    ...(model ? { model } : {}),
    ...(partner ? { partner } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(values['content-type'] ? { contentType: values['content-type'] } : {}),
  };
  // The checks (streams, /ai/v1 bodies, error bodies) are loaded only for the parts they judge: a plain answer,
  // input or output is judged by the schemas alone, as judgeCaptured would judge it, without loading them.
  const judge = isSchemaPart(doc) ? judgeBySchemas : (await import('../../validate/captured.js')).judgeCaptured;
  let errors: string[];
  try {
    errors = judge(contract, doc);
  } catch (cause) {
    if (cause instanceof CapturedDocumentError) throw new UsageError(`${name} is ${cause.message.startsWith('not ') ? '' : 'unreadable: '}${cause.message}`);
    throw cause;
  }
  const what = `${part}${endpoint ? ` of /ai/v1/${endpoint}` : ''}${model ? ` of ${model.id}` : partner ? ` of the partner model ${partner.id} (POST /ai/run)` : ''}`;
  if (errors.length === 0) {
    io.out(`valid: ${name} is a valid ${what}\n`);
    return EXIT.ok;
  }
  for (const error of errors) io.out(`${error}\n`);
  io.err(`invalid: ${errors.length} error${errors.length === 1 ? '' : 's'} in ${name} (${what})\n`);
  return EXIT.nonConformant;
}
