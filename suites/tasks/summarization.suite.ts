/** @module Suite of the task `summarization`: valid requests judged by output.schema and output.semantics, invalid ones by status.client-error. */
import { defineArea } from '../_support/define-area.js';

defineArea('summarization');
