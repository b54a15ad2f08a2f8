/** @module Builds catalogue entries whose `run` honours `applies`, so a check that does not apply finds nothing. */
import type {
  Applies,
  CheckArea,
  CheckContext,
  CheckDefinition,
  CheckId,
  Finding,
  MultiApplies,
  MultiCheckDefinition,
} from '../types.js';
import type { Exchange } from '../../targets/types.js';

/** Defines a check of one exchange; `judge` only ever sees exchanges the check applies to. */
export function defineCheck(spec: {
  id: CheckId;
  description: string;
  area: CheckArea;
  applies: Applies;
  judge: (exchange: Exchange, context: CheckContext) => Finding[];
}): CheckDefinition {
  const { id, description, area, applies, judge } = spec;
  return { id, description, area, scope: 'exchange', applies, run: (exchange, context) => (applies(exchange, context) ? judge(exchange, context) : []) };
}

/** Defines a check of several exchanges; `judge` only ever sees exchange sets the check applies to. */
export function defineMultiCheck(spec: {
  id: CheckId;
  description: string;
  area: CheckArea;
  applies: MultiApplies;
  judge: (exchanges: Exchange[], context: CheckContext) => Finding[];
}): MultiCheckDefinition {
  const { id, description, area, applies, judge } = spec;
  return { id, description, area, scope: 'exchanges', applies, run: (exchanges, context) => (applies(exchanges, context) ? judge(exchanges, context) : []) };
}
