// Step 7: the decision per method, with its reasons, both intervals, flags and witness paths.
import type { Verdict } from '../model/types.ts';
import type { LoadedPolicy, PolicyRef } from '../policy/schema.ts';
import {
  F_CONFLICT,
  F_INCONSISTENT,
  F_INVALID,
  F_REMAINDER,
  F_ROOT,
  F_SELF,
  F_UNKNOWN,
  controlStart,
  nodeFlags,
  type Compiled,
} from './compile.ts';
import type { CompactGraph } from './graph.ts';
import type { PathSearch } from './paths.ts';
import type { PolicyContext } from './policy-context.ts';
import type { SolveState } from './solve.ts';
import { PARTY_KINDS } from './store.ts';
import type { Decision, WitnessPath } from './types.ts';
import {
  R_CASCADE,
  R_LOOK_THROUGH,
  R_REMAINDER,
  R_TRUNCATED,
  SharedValues,
  plainReasons,
} from './shared-values.ts';
import { UNITS_PER_PERCENT } from './units.ts';

export interface DecideContext {
  graph: CompactGraph;
  ctx: PolicyContext;
  c: Compiled;
  res: SolveState;
  loaded: LoadedPolicy;
  /** witness paths over this solve */
  search: PathSearch;
  /** the policy ref every decision shows: one frozen copy of loaded.ref (see decide) */
  policyRef: PolicyRef;
  /** values decisions share (made on first use) */
  shared?: SharedValues;
}

/** shared by every decision with no flags or no paths (frozen: see decide) */
const NONE = Object.freeze([]) as unknown as string[];
const NONE_PATHS = Object.freeze([]) as unknown as WitnessPath[];
const FLAGGED = F_UNKNOWN | F_INVALID | F_INCONSISTENT | F_SELF | F_CONFLICT;

export function combine(method: string, cascade: Verdict, lookThrough: Verdict): Verdict {
  switch (method) {
    case 'cascade':
      return cascade;
    case 'look-through':
      return lookThrough;
    case 'both':
      return cascade === 'restricted' && lookThrough === 'restricted'
        ? 'restricted'
        : cascade === 'allowed' && lookThrough === 'allowed'
          ? 'allowed'
          : 'review';
    default:
      return cascade === 'restricted' || lookThrough === 'restricted'
        ? 'restricted'
        : cascade === 'allowed' && lookThrough === 'allowed'
          ? 'allowed'
          : 'review';
  }
}

export function lookThroughVerdict(d: DecideContext, v: number): Verdict {
  const { res } = d;
  const t = d.ctx.threshold;
  if (t.lowerPast(res.lo(v), res.loOpen(v))) return 'restricted';
  if (!t.upperPast(res.hi(v), res.hiOpen(v))) return 'allowed';
  return 'review';
}

/** The reasons of a decision with control or flag reasons, in the order decide lists them. */
function listReasons(
  origin: readonly string[],
  bits: number,
  control: string[] | null,
  flags: string[],
): string[] {
  const out = plainReasons(origin, bits & (R_CASCADE | R_LOOK_THROUGH));
  if (control !== null) for (const x of control) out.push(x);
  if (bits & R_REMAINDER) out.push('remainder');
  for (const x of flags) out.push(x);
  if (bits & R_TRUNCATED) out.push('paths-truncated');
  return out;
}

/** The decision for local node v. */
export function decide(d: DecideContext, v: number): Decision {
  const { graph: g, ctx, c, res } = d;
  const node = c.glob === null ? v : c.glob[v]!;
  const f = nodeFlags(c, v);
  const method = ctx.policy.method;
  const cascade: Verdict = res.inD(v) ? 'restricted' : res.inP(v) ? 'review' : 'allowed';
  const lookThrough = lookThroughVerdict(d, v);
  const decision: Verdict = f & F_ROOT ? 'restricted' : combine(method, cascade, lookThrough);

  // Reasons, in this order: origin, cascade, look-through, control, remainder, flags, paths
  // truncated. Most decisions have no control or flag reasons: their lists, like their intervals
  // of whole percents, are shared (see SharedValues).
  const shared = (d.shared ??= new SharedValues());
  const origin = ctx.origin(node).reasons;
  let bits = 0;
  if (method !== 'look-through' && cascade !== 'allowed') bits |= R_CASCADE;
  if (method !== 'cascade' && lookThrough !== 'allowed') bits |= R_LOOK_THROUGH;
  let control: string[] | null = null;
  const c0 = controlStart(c, v);
  const c1 = controlStart(c, v + 1);
  if (c0 < c1) {
    const found = new Set<string>();
    for (let k = c0; k < c1; k++) {
      const h = c.cHolder[k]!;
      const possibly = res.inP(h) || ctx.threshold.upperPast(res.hi(h), res.hiOpen(h));
      if (possibly) found.add(`control:${g.store.typeNames[c.cType[k]!]!}`);
    }
    if (found.size > 0) control = [...found].sort();
  }
  if (f & F_REMAINDER && decision !== 'allowed') bits |= R_REMAINDER;
  let flags: string[] = NONE;
  if (f & FLAGGED || res.capped(v)) {
    flags = [];
    if (f & F_UNKNOWN) flags.push('unknown-origin');
    if (f & F_INVALID) flags.push('invalid-share');
    if (f & F_INCONSISTENT) flags.push('inconsistent-shares');
    if (f & F_SELF) flags.push('self-holding');
    if (f & F_CONFLICT) flags.push('conflicting-statements');
    if (res.capped(v)) flags.push('iteration-capped');
  }
  // Paths witness a restriction or a review, and an allowed decision whose figures come near the
  // threshold (at least half of it: a 50% stake that stays allowed at "more than 50%"). Small
  // minority stakes are not traced: on large graphs that search would cost more than the rest.
  const reached = Math.max(res.cHi(v), res.hi(v)) * 2 >= ctx.policy.threshold.percent * UNITS_PER_PERCENT;
  let paths: WitnessPath[] = NONE_PATHS;
  if (decision !== 'allowed' || reached) {
    paths = d.search.run(v);
    if (d.search.truncated) bits |= R_TRUNCATED;
  }
  const reasons =
    control === null && flags === NONE
      ? shared.reasons(origin, bits)
      : listReasons(origin, bits, control, flags);

  const id = g.nodeIds[node]!;
  const name = g.nameOfNode(node);
  const kind = PARTY_KINDS[g.nodeKind[node]!] ?? 'unknownEntity';
  const cascadeOut = shared.interval(cascade, res.cLo(v), res.cHi(v));
  const lookThroughOut = shared.interval(lookThrough, res.lo(v), res.hi(v));
  const policy = d.policyRef;
  const asOf = g.asOf;
  // two literals rather than a spread: the same keys in the same order, built without a copy
  return name !== undefined
    ? {
        id,
        name,
        kind,
        decision,
        reasons,
        cascade: cascadeOut,
        lookThrough: lookThroughOut,
        paths,
        flags,
        policy,
        asOf,
      }
    : {
        id,
        kind,
        decision,
        reasons,
        cascade: cascadeOut,
        lookThrough: lookThroughOut,
        paths,
        flags,
        policy,
        asOf,
      };
}
