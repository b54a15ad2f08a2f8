/** @module Object detection: a few labelled boxes inside the input image, with xmin ≤ xmax and ymin ≤ ymax. */
import type { OutputMaker } from '../types.js';
import { round } from './fake-text.js';
import { imageSize, inputBytes } from './inputs.js';

/** Used when the model lists no labels (the contract gives detr-resnet-50 the COCO classes). */
const FALLBACK_LABELS = ['person', 'bicycle', 'car', 'dog', 'cat', 'chair', 'cup', 'laptop'];
/** Assumed image size when the input is not a PNG or JPEG the emulator can read. */
const FALLBACK_SIZE = { width: 640, height: 480 };

/**
 * `[{score, label, box: {xmin, ymin, xmax, ymax}}]`, 1–5 detections best first, boxes in pixel
 * coordinates of the input image (read from its PNG/JPEG header), scores in [0.5, 1).
 */
export const objectDetection: OutputMaker = {
  make(context) {
    const { model, rng } = context;
    const { width, height } = imageSize(inputBytes(context, 'image')) ?? FALLBACK_SIZE;
    const labels = (model.facts.labels ?? FALLBACK_LABELS).filter((l) => l !== 'N/A');
    const count = rng.int(1, 5);
    const detections = [];
    for (let i = 0; i < count; i++) {
      const xmin = rng.int(0, Math.max(0, width - 2));
      const ymin = rng.int(0, Math.max(0, height - 2));
      const box = { xmin, ymin, xmax: rng.int(xmin + 1, Math.max(xmin + 1, width - 1)), ymax: rng.int(ymin + 1, Math.max(ymin + 1, height - 1)) };
      detections.push({ score: round(0.5 + rng.next() * 0.4999, 4), label: rng.pick(labels.length > 0 ? labels : FALLBACK_LABELS), box });
    }
    detections.sort((a, b) => b.score - a.score);
    return { kind: 'json', result: detections };
  },
};
