/** @module Media samples decode with independent decoders, and each model's media forms match its contract. */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { mediaForms, mediaSamples, SAMPLE_IMAGE_SIZE, SAMPLE_WAV, toBase64 } from '../../../src/generate/media.js';

const samples = mediaSamples();
const contract = loadContract();

/** RIFF/WAVE fmt fields, read by hand (not with the project's own parser). */
function readWav(bytes: Uint8Array): { format: number; channels: number; sampleRate: number; bits: number; dataLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  expect(tag(0)).toBe('RIFF');
  expect(view.getUint32(4, true)).toBe(bytes.length - 8);
  expect(tag(8)).toBe('WAVE');
  expect(tag(12)).toBe('fmt ');
  expect(tag(36)).toBe('data');
  return { format: view.getUint16(20, true), channels: view.getUint16(22, true), sampleRate: view.getUint32(24, true), bits: view.getUint16(34, true), dataLength: view.getUint32(40, true) };
}

/** Walks MPEG-1 Layer III frames by their headers (ISO 11172-3 tables), by hand. */
function mp3Frames(bytes: Uint8Array): number {
  const bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
  const rates = [44100, 48000, 32000];
  let offset = 0;
  let frames = 0;
  while (offset < bytes.length) {
    const [b0, b1, b2] = [bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!];
    expect(b0, `frame sync at ${offset}`).toBe(0xff);
    expect(b1 & 0xe0, `frame sync at ${offset}`).toBe(0xe0);
    expect((b1 >> 3) & 0b11, 'MPEG-1').toBe(0b11);
    expect((b1 >> 1) & 0b11, 'Layer III').toBe(0b01);
    const length = Math.floor((144 * bitrates[b2 >> 4]! * 1000) / rates[(b2 >> 2) & 0b11]!) + ((b2 >> 1) & 1);
    expect(length).toBeGreaterThan(4);
    offset += length;
    frames++;
  }
  expect(offset).toBe(bytes.length);
  return frames;
}

describe('mediaSamples', () => {
  it('is a PNG pngjs decodes, 8×8', () => {
    const png = PNG.sync.read(Buffer.from(samples.png.bytes));
    expect([png.width, png.height]).toEqual([SAMPLE_IMAGE_SIZE, SAMPLE_IMAGE_SIZE]);
    expect(samples.png.contentType).toBe('image/png');
  });

  it('is a JPEG jpeg-js decodes, 8×8, with the gradient in it', () => {
    const image = jpeg.decode(samples.jpeg.bytes, { useTArray: true });
    expect([image.width, image.height]).toEqual([SAMPLE_IMAGE_SIZE, SAMPLE_IMAGE_SIZE]);
    const red = (x: number, y: number): number => image.data[(y * image.width + x) * 4]!;
    expect(red(7, 0) - red(0, 0)).toBeGreaterThan(150);
    expect(samples.jpeg.contentType).toBe('image/jpeg');
  });

  it('is a 16-bit PCM WAV of 0.25 s at 16 kHz, not silent', () => {
    const wav = readWav(samples.wav.bytes);
    expect(wav).toEqual({ format: 1, channels: 1, sampleRate: 16_000, bits: 16, dataLength: SAMPLE_WAV.seconds * 16_000 * 2 });
    const pcm = new Int16Array(samples.wav.bytes.slice(44).buffer);
    expect(Math.max(...pcm)).toBeGreaterThan(1000);
    expect(samples.wav.contentType).toBe('audio/wav');
  });

  it('is an MP3 of a few whole MPEG-1 Layer III frames', () => {
    expect(mp3Frames(samples.mp3.bytes)).toBeGreaterThanOrEqual(3);
    expect(samples.mp3.contentType).toBe('audio/mpeg');
  });

  it('is made once and cached', () => {
    expect(mediaSamples()).toBe(samples);
    expect(mediaSamples().wav.bytes).toBe(samples.wav.bytes);
  });
});

describe('mediaForms', () => {
  const formsOf = (id: string): string[] =>
    mediaForms(contract.model(id)!, contract).map((f) => (f.kind === 'raw' ? `raw ${f.contentType} ${f.sample.kind}` : `${f.kind} ${f.property} ${f.sample.kind}`));

  it('image classification: uint8 arrays and the raw file (octet-stream and its own type)', () => {
    expect(formsOf('@cf/microsoft/resnet-50').sort()).toEqual(
      [
        'uint8-array image png',
        'uint8-array image jpeg',
        'raw application/octet-stream png',
        'raw application/octet-stream jpeg',
        'raw image/png png',
        'raw image/jpeg jpeg',
      ].sort(),
    );
  });

  it('speech recognition: uint8 arrays, base64 strings, raw audio, as each model takes them', () => {
    expect(formsOf('@cf/openai/whisper')).toContain('uint8-array audio wav');
    expect(formsOf('@cf/openai/whisper')).toContain('raw audio/mpeg mp3');
    expect(formsOf('@cf/openai/whisper-large-v3-turbo')).toEqual(['base64 audio wav', 'base64 audio mp3']);
    expect(formsOf('@cf/deepgram/nova-3').filter((f) => f.startsWith('raw'))).toEqual(['raw audio/wav wav', 'raw audio/mpeg mp3']);
  });

  it('text-to-image img2img: image and mask bytes and image_b64', () => {
    const forms = formsOf('@cf/runwayml/stable-diffusion-v1-5-inpainting');
    expect(forms).toEqual(expect.arrayContaining(['uint8-array image png', 'uint8-array mask png', 'base64 image_b64 jpeg']));
  });

  it('text models take no media', () => {
    expect(formsOf('@cf/meta/llama-3.1-8b-instruct-fp8')).toEqual([]);
  });

  it('every JSON form is accepted by the contract in an otherwise minimal input', () => {
    const checked: string[] = [];
    for (const model of contract.models.values()) {
      for (const form of mediaForms(model, contract)) {
        if (form.kind === 'raw') {
          expect(model.facts.rawInput).toContain(form.contentType);
          continue;
        }
        // Pick, from the input's top-level alternatives, one holding the property, and fill its required text.
        const input: Record<string, unknown> = { [form.property]: form.value };
        const errors = contract.validateModel(model, 'input', input).filter((e) => e.instancePath.startsWith(`/${form.property}`));
        expect(errors, `${model.id} ${form.kind} ${form.property}`).toEqual([]);
        checked.push(model.id);
      }
    }
    expect(new Set(checked).size).toBeGreaterThanOrEqual(10);
    expect(toBase64(Uint8Array.of(1, 2, 3))).toBe('AQID');
  });
});
