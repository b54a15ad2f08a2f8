/** @module Suite area `envelope` (see src/harness/plan.ts for its cases and checks). */
import { defineArea } from './_support/define-area.js';

defineArea('envelope');
