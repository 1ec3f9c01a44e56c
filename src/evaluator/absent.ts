// An id the graph does not know at all: fail closed like any party the data names but does not
// describe (unknown origin), and say why.
import type { LoadedPolicy } from '../policy/schema.ts';
import type { CompactGraph } from './graph.ts';
import type { PolicyContext } from './policy-context.ts';
import type { Decision } from './types.ts';
import { FULL } from './units.ts';

export function notInGraphDecision(
  id: string,
  g: CompactGraph,
  ctx: PolicyContext,
  policy: LoadedPolicy,
): Decision {
  const review = ctx.reviewUnknown && ctx.threshold.upperPast(FULL, false);
  const verdict = review ? 'review' : 'allowed';
  return {
    id,
    kind: 'unknownEntity',
    decision: verdict,
    reasons: ['not-in-graph', ...(review ? ['cascade', 'look-through'] : []), 'unknown-origin'],
    cascade: { verdict, min: 0, max: review ? 100 : 0 },
    lookThrough: { verdict, min: 0, max: review ? 100 : 0 },
    paths: [],
    flags: ['unknown-origin'],
    policy: { ...policy.ref },
    asOf: g.asOf,
  };
}
