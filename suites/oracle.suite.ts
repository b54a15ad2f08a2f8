/** @module The oracle area (`run --oracle FILE.har`): a target's answers to recorded requests compared with the recorded answers. */
import { defineArea } from './_support/define-area.js';

defineArea('oracle');
