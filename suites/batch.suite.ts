/** @module Suite area `batch`: the asynchronous Batch API of the models that serve it (see src/harness/plan.ts). */
import { defineArea } from './_support/define-area.js';

defineArea('batch');
