/** @module Suite area `streaming` (see src/harness/plan.ts for its cases and checks). */
import { defineArea } from './_support/define-area.js';

defineArea('streaming');
