/** @module Suite of the task `text-generation`: valid requests judged by output.schema and output.semantics, invalid ones by status.client-error. */
import { defineArea } from '../_support/define-area.js';

defineArea('text-generation');
