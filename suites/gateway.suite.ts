/** @module Suite area `gateway` (see src/harness/plan.ts for its cases and checks). */
import { defineArea } from './_support/define-area.js';

defineArea('gateway');
