/** @module Small, real, decodable media samples (PNG, JPEG, WAV, MP3) and the forms each model takes them in. */
import jpeg from 'jpeg-js';
import type { Contract } from '../contract/contract.js';
import { getAtPointer } from '../contract/json-pointer.js';
import type { JsonSchema, ModelEntry } from '../contract/types.js';
import { encodeSilentMp3 } from '../media/mp3.js';
import { encodePng } from '../media/png.js';
import { encodeWav } from '../media/wav.js';

/** The sample media this project sends. */
export type MediaKind = 'png' | 'jpeg' | 'wav' | 'mp3';

/** One sample: its bytes and the media type they are. */
export interface MediaSample {
  kind: MediaKind;
  contentType: string;
  bytes: Uint8Array;
}

/** Whether a property or body carries an image or audio. */
export type MediaFamily = 'image' | 'audio';

/** Which samples belong to each family, in the order generators prefer (shrinking goes to the first). */
export const MEDIA_FAMILIES: Readonly<Record<MediaFamily, readonly MediaKind[]>> = {
  image: ['png', 'jpeg'],
  audio: ['wav', 'mp3'],
};

/** Side of the sample images (pixels); small because every byte is sent over HTTP, often as a JSON number. */
export const SAMPLE_IMAGE_SIZE = 8;
/** Sample rate and duration of the WAV tone: 0.25 s of 440 Hz at 16 kHz, 16-bit mono. */
export const SAMPLE_WAV = { sampleRate: 16_000, seconds: 0.25, frequency: 440 } as const;
/** Duration of the MP3 sample: a few silent MPEG-1 Layer III frames (24 ms each). */
export const SAMPLE_MP3_SECONDS = 0.1;

let cached: Readonly<Record<MediaKind, MediaSample>> | undefined;

function gradientRgb(size: number): Uint8Array {
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      rgb[i] = Math.round((x * 255) / (size - 1));
      rgb[i + 1] = Math.round((y * 255) / (size - 1));
      rgb[i + 2] = 128;
    }
  }
  return rgb;
}

function makeJpeg(size: number): Uint8Array {
  const rgb = gradientRgb(size);
  const rgba = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  // jpeg-js writes a full baseline DCT JPEG, so image models see real texture, not flat blocks.
  return new Uint8Array(jpeg.encode({ width: size, height: size, data: rgba }, 90).data);
}

function makeWav(): Uint8Array {
  const { sampleRate, seconds, frequency } = SAMPLE_WAV;
  const samples = new Int16Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  return encodeWav(samples, sampleRate);
}

/** The samples, made on first use and cached: a PNG and a JPEG of 8×8, a WAV tone and an MP3 of a few frames. */
export function mediaSamples(): Readonly<Record<MediaKind, MediaSample>> {
  cached ??= Object.freeze({
    png: { kind: 'png', contentType: 'image/png', bytes: encodePng(gradientRgb(SAMPLE_IMAGE_SIZE), SAMPLE_IMAGE_SIZE, SAMPLE_IMAGE_SIZE) },
    jpeg: { kind: 'jpeg', contentType: 'image/jpeg', bytes: makeJpeg(SAMPLE_IMAGE_SIZE) },
    wav: { kind: 'wav', contentType: 'audio/wav', bytes: makeWav() },
    mp3: { kind: 'mp3', contentType: 'audio/mpeg', bytes: encodeSilentMp3(SAMPLE_MP3_SECONDS) },
  } satisfies Record<MediaKind, MediaSample>);
  return cached;
}

/** The samples of a family, in preference order. */
export function samplesOf(family: MediaFamily): MediaSample[] {
  const samples = mediaSamples();
  return MEDIA_FAMILIES[family].map((kind) => samples[kind]);
}

/** Bytes as a JSON array of numbers, the form workers-types calls `number[]` (uint8 values). */
export function toByteArray(bytes: Uint8Array): number[] {
  return Array.from(bytes);
}

/** Bytes as standard base64 (RFC 4648 §4, with padding). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Property names that carry media, by family. Names only: the schema says `number[]` or `string`, never "image". */
const MEDIA_PROPERTIES: Readonly<Record<string, MediaFamily>> = {
  image: 'image',
  image_b64: 'image',
  mask: 'image',
  input_image: 'image',
  audio: 'audio',
};

/** The media family a property name stands for, or undefined. */
export function mediaFamilyOfProperty(name: string | undefined): MediaFamily | undefined {
  return name === undefined ? undefined : MEDIA_PROPERTIES[name];
}

/** One way a model's input carries media. `value` is ready to send (JSON) or the raw body. */
export type MediaForm =
  | { kind: 'uint8-array'; property: string; sample: MediaSample; value: number[] }
  | { kind: 'base64'; property: string; sample: MediaSample; value: string }
  | { kind: 'body-content-type'; property: string; sample: MediaSample; value: { body: number[] | string; contentType: string } }
  | { kind: 'raw'; sample: MediaSample; contentType: string; bytes: Uint8Array };

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A schema with the document it lives in, so relative `$ref`s resolve. */
interface Located {
  schema: JsonSchema;
  base: string;
}

function deref(node: Located, contract: Contract, seen = 0): Located {
  if (!isObject(node.schema) || typeof node.schema.$ref !== 'string') return node;
  if (seen > 32) throw new Error(`$ref cycle at ${node.base}`);
  const url = new URL(node.schema.$ref, node.base);
  const fragment = decodeURIComponent(url.hash.slice(1));
  url.hash = '';
  const base = url.href;
  const target = getAtPointer(contract.document(base), fragment) as JsonSchema | undefined;
  if (target === undefined) throw new Error(`$ref ${node.schema.$ref} does not resolve from ${node.base}`);
  return deref({ schema: target, base }, contract, seen + 1);
}

/** The schema and its direct anyOf/oneOf branches, $refs followed: the alternatives a value may take. */
function alternatives(node: Located, contract: Contract): Located[] {
  const resolved = deref(node, contract);
  const out: Located[] = [resolved];
  if (!isObject(resolved.schema)) return out;
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const branches = resolved.schema[combinator];
    if (Array.isArray(branches)) for (const branch of branches) out.push(...alternatives({ schema: branch as JsonSchema, base: resolved.base }, contract));
  }
  return out;
}

function acceptsByteArray(node: Located, contract: Contract): boolean {
  return alternatives(node, contract).some(({ schema, base }) => {
    if (!isObject(schema) || schema.type !== 'array' || !('items' in schema)) return false;
    const items = deref({ schema: schema.items as JsonSchema, base }, contract).schema;
    if (!isObject(items) || (items.type !== 'number' && items.type !== 'integer')) return false;
    return (typeof items.minimum !== 'number' || items.minimum <= 0) && (typeof items.maximum !== 'number' || items.maximum >= 255);
  });
}

function acceptsString(node: Located, contract: Contract): boolean {
  return alternatives(node, contract).some(({ schema }) => isObject(schema) && schema.type === 'string' && schema.pattern === undefined && schema.enum === undefined && schema.const === undefined);
}

function bodyContentType(node: Located, contract: Contract): { byteArray: boolean; string: boolean } | undefined {
  for (const alt of alternatives(node, contract)) {
    const properties = isObject(alt.schema) ? alt.schema.properties : undefined;
    if (!isObject(properties) || !('body' in properties) || !('contentType' in properties)) continue;
    const body = { schema: properties.body as JsonSchema, base: alt.base };
    return { byteArray: acceptsByteArray(body, contract), string: acceptsString(body, contract) };
  }
  return undefined;
}

/** The media family of a raw body content type; `application/octet-stream` goes by the model's task. */
function familyOfContentType(contentType: string, model: ModelEntry): MediaFamily | undefined {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('audio/')) return 'audio';
  if (contentType === 'application/octet-stream') {
    return model.task === 'automatic-speech-recognition' || model.task === 'voice-activity-detection' ? 'audio' : 'image';
  }
  return undefined;
}

/**
 * The forms a model's input takes media in, derived from its input schema (top-level properties named
 * like media, in the root object or any of its anyOf/oneOf branches) and `facts.rawInput`:
 * a `number[]` of uint8 values, a base64 string, `{body, contentType}`, or the raw file as the body.
 * One entry per form and sample kind (PNG and JPEG for images, WAV and MP3 for audio).
 */
export function mediaForms(model: ModelEntry, contract: Contract): MediaForm[] {
  const forms: MediaForm[] = [];
  const seen = new Set<string>();
  const root: Located = { schema: model.input, base: model.schemaUri };
  for (const holder of alternatives(root, contract)) {
    if (!isObject(holder.schema) || !isObject(holder.schema.properties)) continue;
    for (const [property, schema] of Object.entries(holder.schema.properties)) {
      const family = mediaFamilyOfProperty(property);
      if (!family) continue;
      const node: Located = { schema: schema as JsonSchema, base: holder.base };
      const add = (form: MediaForm): void => {
        const key = `${form.kind}:${property}:${form.sample.kind}`;
        if (!seen.has(key)) forms.push(form), seen.add(key);
      };
      const pair = bodyContentType(node, contract);
      for (const sample of samplesOf(family)) {
        if (acceptsByteArray(node, contract)) add({ kind: 'uint8-array', property, sample, value: toByteArray(sample.bytes) });
        if (acceptsString(node, contract)) add({ kind: 'base64', property, sample, value: toBase64(sample.bytes) });
        if (pair?.byteArray) add({ kind: 'body-content-type', property, sample, value: { body: toByteArray(sample.bytes), contentType: sample.contentType } });
        else if (pair?.string) add({ kind: 'body-content-type', property, sample, value: { body: toBase64(sample.bytes), contentType: sample.contentType } });
      }
    }
  }
  for (const contentType of model.facts.rawInput ?? []) {
    const family = familyOfContentType(contentType, model);
    if (!family) continue;
    for (const sample of samplesOf(family)) {
      // A concrete media type takes only its own sample; octet-stream takes every sample of the family.
      if (contentType !== 'application/octet-stream' && contentType !== sample.contentType) continue;
      forms.push({ kind: 'raw', sample, contentType, bytes: sample.bytes });
    }
  }
  return forms;
}
