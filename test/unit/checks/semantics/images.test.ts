import { describe, expect, it } from 'vitest';
import { outputSemantics } from '../../../../src/checks/semantics/index.js';
import { contextFor, envelope, runExchange } from '../exchange-builder.js';
import { jpegOf, pngOf } from '../media-fixtures.js';

const RESNET = '@cf/microsoft/resnet-50';
const DETR = '@cf/facebook/detr-resnet-50';
const SDXL = '@cf/stabilityai/stable-diffusion-xl-base-1.0';
const FLUX = '@cf/black-forest-labs/flux-1-schnell';
const LLAVA = '@cf/llava-hf/llava-1.5-7b-hf';

const judgeJson = (model: string, input: unknown, result: unknown) => {
  const ex = runExchange(model, input, { json: envelope(result) });
  return outputSemantics.run(ex, contextFor(ex));
};

describe('output.semantics: image classification', () => {
  it('passes a top-k answer whose scores sum to at most 1', () => {
    expect(judgeJson(RESNET, { image: [1, 2] }, [{ label: 'cat', score: 0.6 }, { label: 'dog', score: 0.3 }])).toEqual([]);
  });

  it('fails a top-k answer whose scores sum to more than 1', () => {
    expect(judgeJson(RESNET, { image: [1, 2] }, [{ label: 'cat', score: 0.9 }, { label: 'dog', score: 0.9 }])).toMatchObject([
      { instancePath: '/result', message: 'result scores sum to 1.8, expected at most 1 (+0.01) for probabilities of distinct labels' },
    ]);
  });
});

describe('output.semantics: object detection', () => {
  const box = (xmin: number, ymin: number, xmax: number, ymax: number) => ({ xmin, ymin, xmax, ymax });
  const raw = { raw: pngOf(64, 32), contentType: 'image/png' };

  it('passes ordered boxes inside the input image', () => {
    expect(judgeJson(DETR, raw, [{ label: 'cat', score: 0.9, box: box(1, 2, 60, 30) }])).toEqual([]);
  });

  it('fails a box whose corners are swapped', () => {
    expect(judgeJson(DETR, raw, [{ label: 'cat', score: 0.9, box: box(50, 2, 10, 30) }])).toMatchObject([
      { instancePath: '/result/0/box/xmin', message: 'result[0].box.xmin is 50, greater than xmax 10, expected xmin ≤ xmax' },
    ]);
  });

  it('fails a box outside the input image, a negative coordinate, a bad score and an unknown label', () => {
    const findings = judgeJson(DETR, { image: [...pngOf(64, 32)] }, [{ label: 'unicorn', score: -0.1, box: box(-3, 0, 10, 40) }]);
    expect(findings.map((f) => f.instancePath)).toEqual(['/result/0/score', '/result/0/label', '/result/0/box/xmin', '/result/0/box/ymax']);
    expect(findings[3]!.message).toBe('result[0].box.ymax is 40, outside the 64×32 input image, expected ≤ 32');
  });
});

describe('output.semantics: text-to-image', () => {
  const binary = (input: unknown, bytes: Uint8Array) => {
    const ex = runExchange(SDXL, input, { bytes, contentType: 'image/png' });
    return outputSemantics.run(ex, contextFor(ex));
  };

  it('passes an image that decodes at the requested size', () => {
    expect(binary({ prompt: 'cat', width: 256, height: 320 }, pngOf(256, 320))).toEqual([]);
    expect(judgeJson(FLUX, { prompt: 'cat' }, { image: Buffer.from(jpegOf(16, 16)).toString('base64') })).toEqual([]);
  });

  it('fails an image of another size (a warning: real models ignore or refuse width/height)', () => {
    expect(binary({ prompt: 'cat', width: 256, height: 320 }, pngOf(256, 256))).toEqual([
      { check: 'output.semantics', instancePath: '', message: 'the body decodes as a 256×256 image/png, expected 256×320 (the requested size)', expected: '256×320', actual: '256×256', severity: 'warning' },
    ]);
  });

  it('takes a size of 0 as no particular size (lucid-origin documents 0..2500): the default holds', () => {
    const lucid = '@cf/leonardo/lucid-origin';
    const image = (w: number, h: number) => ({ image: Buffer.from(jpegOf(w, h)).toString('base64') });
    expect(judgeJson(lucid, { prompt: 'cat', height: 0 }, image(1120, 1120))).toEqual([]);
    expect(judgeJson(lucid, { prompt: 'cat', height: 0 }, image(1120, 64))[0]!.message).toContain('expected 1120×1120 (the default size of @cf/leonardo/lucid-origin)');
    expect(judgeJson(lucid, { prompt: 'cat', width: 64, height: 0 }, image(64, 1120))).toEqual([]);
  });

  it('fails an image that does not decode', () => {
    const truncated = pngOf(64, 64).slice(0, 60);
    expect(binary({ prompt: 'cat' }, truncated)[0]!.message).toContain('the body does not decode as an image: the image/png does not decode');
    expect(judgeJson(FLUX, { prompt: 'cat' }, { image: '***' })).toMatchObject([{ instancePath: '/result/image', message: 'result.image is not base64: "***"' }]);
    expect(judgeJson(FLUX, { prompt: 'cat' }, { image: Buffer.from('hello').toString('base64') })[0]!.message).toContain('the bytes are not a PNG or JPEG image');
  });
});

describe('output.semantics: image-to-text', () => {
  it('passes a description and fails a blank one', () => {
    expect(judgeJson(LLAVA, { image: [1], prompt: 'what?' }, { description: 'A cat.' })).toEqual([]);
    expect(judgeJson(LLAVA, { image: [1], prompt: 'what?' }, { description: '  ' })).toMatchObject([{ instancePath: '/result/description', message: 'result.description is blank, expected a description of the image' }]);
  });

  it("warns about moondream3.1's empty answer, which the schema accepts as real", () => {
    const MOONDREAM = '@cf/moondream/moondream3.1-9B-A2B';
    const findings = judgeJson(MOONDREAM, { image: 'data:image/png;base64,AA==', task: 'caption', stream: false }, {});
    expect(findings).toMatchObject([{ instancePath: '/result', severity: 'warning', actual: '{}' }]);
    expect(findings[0]!.message).toContain('an empty answer');
  });
});
