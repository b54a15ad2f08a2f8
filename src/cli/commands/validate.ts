/** @module `wai-conformance validate`: judge one document (input, output or whole response) by the contract. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadContract } from '../../contract/load.js';
import { formatSchemaError } from '../../contract/schema-errors.js';
import type { ModelEntry, SchemaError } from '../../contract/types.js';
import { bareMediaType, mediaTypeMatches, sniffMediaType } from '../../media/sniff.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';

export const VALIDATE_USAGE = `wai-conformance validate --model ID [--part input|output|response] [--content-type TYPE] [FILE|-]
  Validate one document against the contract (standard input when FILE is - or absent).
  --part input      the request body of /ai/run for that model
  --part output     the model's output (the envelope's "result", or the raw bytes of a binary answer)
  --part response   the whole answer: the v4 envelope, result included (default)
  --content-type    the answer's Content-Type, for binary answers (image/png, audio/mpeg, ...)
  Exit 0 valid, 1 invalid (one error a line: JSON pointer, expected, found), 2 usage error.`;

const PARTS = ['input', 'output', 'response'] as const;
type Part = (typeof PARTS)[number];

async function readSource(file: string | undefined, io: Io): Promise<{ bytes: Buffer; name: string }> {
  if (file === undefined || file === '-') return { bytes: await io.stdin(), name: 'standard input' };
  try {
    return { bytes: await readFile(file), name: file };
  } catch (cause) {
    throw new UsageError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
}

/** Judges raw bytes of a binary answer by magic number against the model's documented media type. */
function validateBinary(model: ModelEntry, bytes: Buffer, declared: string | undefined): SchemaError[] {
  const errors: SchemaError[] = [];
  const expected = model.facts.response.contentType;
  const sniffed = sniffMediaType(bytes) ?? 'unrecognised bytes';
  const base = { instancePath: '', schemaPath: '#/contentType', keyword: 'contentType' };
  if (model.facts.response.envelope) {
    errors.push({ ...base, expected: `a JSON v4 envelope (${model.id} answers application/json)`, actual: `${bytes.length} bytes of ${declared ?? sniffed}` });
    return errors;
  }
  if (declared !== undefined && !mediaTypeMatches(expected, declared)) {
    errors.push({ ...base, keyword: 'content-type', expected: `Content-Type ${expected}`, actual: `Content-Type ${bareMediaType(declared)}` });
  }
  if (!mediaTypeMatches(expected, sniffed)) {
    errors.push({ ...base, expected: `${expected} bytes`, actual: `${bytes.length} bytes of ${sniffed}` });
  }
  return errors;
}

export async function validateCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string' },
      part: { type: 'string', default: 'response' },
      'content-type': { type: 'string' },
      spec: { type: 'string' },
    },
  });
  if (!values.model) throw new UsageError('--model is required');
  if (!PARTS.includes(values.part as Part)) throw new UsageError(`--part must be one of ${PARTS.join(', ')}, not "${values.part}"`);
  if (positionals.length > 1) throw new UsageError(`expected one FILE, got ${positionals.length}`);
  const part = values.part as Part;
  const contract = loadContract(values.spec);
  const model = contract.model(values.model);
  if (!model) throw new UsageError(`unknown model "${values.model}" (run \`wai-conformance models\` for the catalogue)`);
  const { bytes, name } = await readSource(positionals[0], io);
  const declared = values['content-type'];

  let errors: SchemaError[];
  const declaredBinary = declared !== undefined && bareMediaType(declared) !== 'application/json';
  if (part !== 'input' && (declaredBinary || (!model.facts.response.envelope && sniffMediaType(bytes) !== 'application/json'))) {
    errors = validateBinary(model, bytes, declared);
  } else {
    let document: unknown;
    try {
      document = JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      throw new UsageError(`${name} is not JSON: ${(cause as Error).message}`);
    }
    errors = part === 'response' ? contract.validateEnvelope(model, document) : contract.validateModel(model, part, document);
  }
  if (errors.length === 0) {
    io.out(`valid: ${name} is a valid ${part} of ${model.id}\n`);
    return EXIT.ok;
  }
  for (const error of errors) io.out(`${formatSchemaError(error)}\n`);
  io.err(`invalid: ${errors.length} error${errors.length === 1 ? '' : 's'} in ${name} (${part} of ${model.id})\n`);
  return EXIT.nonConformant;
}
