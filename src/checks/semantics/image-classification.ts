/** @module Image classification semantics: the same probability rules as text classification (resnet-50 answers its top 5). */
import type { TaskSemantics } from './answer.js';
import { labelScoreProblems } from './text-classification.js';

/** output.semantics for image classification. */
export const imageClassificationSemantics: TaskSemantics = (answer, context) => (answer.kind === 'json' ? labelScoreProblems(answer.result, context) : []);
