/** The emulator paints PNG answers straight into filtered rows: the same bytes as painting RGB and encoding it. */
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../src/media/png.js';
import { image } from '../../../src/emulator/outputs/text-to-image.js';
import { createRng } from '../../../src/emulator/rng.js';

/** The picture as RGB rows, pixel by pixel (a gradient between two colours along the diagonals x + y, a soft disc). */
function paintRgb(width: number, height: number, variant: number): Uint8Array {
  const rng = createRng(0x9e3779b9 ^ variant);
  const colour = () => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const [from, to, disc] = [colour(), colour(), colour()] as number[][];
  const cx = width * (0.3 + (variant % 4) * 0.13);
  const cy = height * (0.3 + ((variant >> 2) % 4) * 0.13);
  const radius = Math.min(width, height) * 0.22;
  const rgb = new Uint8Array(width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / Math.max(1, width + height - 2);
      const d = Math.sqrt((x - cx) ** 2 + (y - cy) ** 2) / radius;
      const k = d < 1 ? 1 : d < 1.15 ? (1.15 - d) / 0.15 : 0;
      for (let c = 0; c < 3; c++) {
        const gradient = Math.round(from![c]! * (1 - t) + to![c]! * t);
        rgb[o++] = k === 0 ? gradient : Math.round(gradient * (1 - k) + disc![c]! * k);
      }
    }
  }
  return rgb;
}

describe('text-to-image PNG answers', () => {
  it('are byte for byte what encoding the painted RGB gives, for every variant and odd sizes', () => {
    for (const [width, height] of [[1, 1], [2, 3], [3, 1], [37, 17], [256, 256], [643, 257], [779, 7], [7, 779]] as const) {
      for (let variant = 0; variant < 16; variant++) {
        expect(Buffer.from(image('png', width, height, variant)).equals(Buffer.from(encodePng(paintRgb(width, height, variant), width, height))), `${width}x${height} variant ${variant}`).toBe(true);
      }
    }
  });
});
