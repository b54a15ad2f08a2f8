/** @module Small real media for the check tests, made with pngjs / jpeg-js and src/media's encoders. */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { encodeSilentMp3 } from '../../../src/media/mp3.js';
import { encodeWav } from '../../../src/media/wav.js';

/** A grey PNG of the given size. */
export function pngOf(width: number, height: number): Uint8Array {
  const png = new pngjs.PNG({ width, height });
  png.data.fill(128);
  return new Uint8Array(pngjs.PNG.sync.write(png));
}

/** A grey JPEG of the given size. */
export function jpegOf(width: number, height: number): Uint8Array {
  const data = Buffer.alloc(width * height * 4, 128);
  return new Uint8Array(jpeg.encode({ width, height, data }, 80).data);
}

/** Half a second of silent MP3. */
export function mp3(): Uint8Array {
  return encodeSilentMp3(0.5);
}

/** A tenth of a second of silent 16 kHz WAV. */
export function wav(): Uint8Array {
  return encodeWav(new Int16Array(1600), 16000);
}
