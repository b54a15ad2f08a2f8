/** @module Image classification: five of the model's labels with scores that sum to 1. */
import type { Rng } from '../rng.js';
import type { OutputMaker } from '../types.js';
import { labelScores } from './text-classification.js';

/**
 * A sample of ImageNet-1k class names, for models whose contract lists no labels (resnet-50: the
 * catalogue does not list its 1000 classes).
 */
export const IMAGENET_SAMPLE: readonly string[] = [
  'tabby cat', 'tiger cat', 'Egyptian cat', 'golden retriever', 'Labrador retriever', 'German shepherd', 'beagle', 'pug',
  'red fox', 'zebra', 'giant panda', 'koala', 'goldfish', 'great white shark', 'bald eagle', 'peacock', 'macaw', 'monarch butterfly',
  'ladybug', 'mountain bike', 'sports car', 'school bus', 'steam locomotive', 'airliner', 'container ship', 'canoe',
  'espresso', 'pizza', 'cheeseburger', 'banana', 'Granny Smith', 'strawberry', 'laptop', 'desktop computer', 'cellular telephone',
  'analog clock', 'umbrella', 'backpack', 'sunglasses', 'acoustic guitar', 'grand piano', 'violin', 'teapot', 'coffee mug',
  'lighthouse', 'castle', 'suspension bridge', 'volcano', 'alp', 'seashore', 'valley', 'daisy',
];

/** How many labels an answer lists (classifiers answer their top few, not all classes). */
const TOP = 5;

function distinct<T>(items: readonly T[], count: number, rng: Rng): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(rng.next() * pool.length), 1)[0]!);
  return out;
}

/** `[{label, score}]`: `TOP` distinct labels of the model (or an ImageNet sample), scores summing to 1, best first. */
export const imageClassification: OutputMaker = {
  make({ model, rng }) {
    const labels = distinct(model.facts.labels ?? IMAGENET_SAMPLE, TOP, rng);
    return { kind: 'json', result: labelScores(labels, rng.next) };
  },
};
