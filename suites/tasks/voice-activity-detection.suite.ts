/** @module Suite of the task `voice-activity-detection`: valid requests judged by output.schema and output.semantics, invalid ones by status.client-error. */
import { defineArea } from '../_support/define-area.js';

defineArea('voice-activity-detection');
