// What a policy makes of the graph's parties and interest types (Step 3, and the interest lists):
// roots with their reasons and regions, parties of unknown origin, interest type roles.
import type { Policy } from '../policy/schema.ts';
import type { CompactGraph } from './graph.ts';
import { restrictedRegion } from './regions.ts';
import { KIND_UNDESCRIBED, KIND_UNSPECIFIED, type OriginProfile } from './store.ts';
import { Threshold } from './units.ts';

export const ROLE_IGNORE = 0;
export const ROLE_OWN = 1;
export const ROLE_RESTRICT = 2;
export const ROLE_INDICATE = 3;

const UNTYPED = new Set(['unknownInterest', 'unpublishedInterest']);

export interface Origin {
  root: boolean;
  unknown: boolean;
  /** region keys the party is restricted under, sorted */
  regions: string[];
  /** "origin:<attribute>:<code>" for every restricted value, sorted */
  reasons: string[];
}

const CLEAR: Origin = { root: false, unknown: false, regions: [], reasons: [] };
const UNKNOWN: Origin = { root: false, unknown: true, regions: [], reasons: [] };

export class PolicyContext {
  readonly threshold: Threshold;
  /** per interned interest type: ROLE_* */
  readonly role: Uint8Array;
  /** per interned interest type: the ownership slot (types of their own; the untyped slot last) */
  readonly slot: Uint8Array;
  readonly slotNames: string[];
  readonly reviewUnknown: boolean;
  readonly unaccountedUnknown: boolean;
  /** by profile * 16 + kind: most parties share a handful of profiles */
  private readonly cache: Array<Origin | undefined> = [];

  constructor(
    readonly policy: Policy,
    private readonly graph: CompactGraph,
  ) {
    this.threshold = new Threshold(policy.threshold.percent, policy.threshold.inclusive);
    this.reviewUnknown = policy.unidentifiedOwners === 'review';
    this.unaccountedUnknown = policy.unaccountedShares === 'unknown';
    const names = graph.store.typeNames;
    this.role = new Uint8Array(names.length);
    this.slot = new Uint8Array(names.length);
    const own: string[] = [...policy.interests.ownership];
    const untypedSlot = own.length;
    this.slotNames = [...own, '(none)'];
    const restricting = new Set<string>(policy.control.restricting);
    const indicative = new Set<string>(policy.control.indicative);
    for (let t = 0; t < names.length; t++) {
      const name = names[t]!;
      if (t === 0) {
        this.role[t] = ROLE_OWN;
        this.slot[t] = untypedSlot;
      } else if (restricting.has(name)) this.role[t] = ROLE_RESTRICT;
      else if (indicative.has(name)) this.role[t] = ROLE_INDICATE;
      else if (own.includes(name)) {
        this.role[t] = ROLE_OWN;
        this.slot[t] = own.indexOf(name);
      } else if (UNTYPED.has(name)) {
        this.role[t] = ROLE_OWN;
        this.slot[t] = untypedSlot;
      }
    }
  }

  /** Root / unknown origin of a node (Step 3). */
  origin(node: number): Origin {
    const g = this.graph;
    const kind = g.nodeKind[node]!;
    if (kind === KIND_UNDESCRIBED || kind === KIND_UNSPECIFIED) return UNKNOWN;
    const profile = g.nodeProfile[node]!;
    const key = profile * 16 + kind;
    let o = this.cache[key];
    if (o === undefined) {
      o = this.classify(kind, g.store.profiles[profile]!);
      this.cache[key] = o;
    }
    return o;
  }

  private classify(kind: number, p: OriginProfile): Origin {
    const o = this.policy.origin;
    let attrs: ReadonlyArray<keyof OriginProfile>;
    if (kind === 1 || kind === 2) attrs = o.states ? ['incorporation'] : [];
    else if (kind >= 5) attrs = o.persons;
    else attrs = o.entities;
    if (attrs.length === 0) return CLEAR;
    const regions = new Set<string>();
    const reasons: string[] = [];
    let any = false;
    for (const a of attrs) {
      for (const code of p[a]) {
        any = true;
        const region = restrictedRegion(code, this.policy.regions);
        if (region === undefined) continue;
        regions.add(region);
        reasons.push(`origin:${a}:${code}`);
      }
    }
    if (regions.size > 0)
      return { root: true, unknown: false, regions: [...regions].sort(), reasons: reasons.sort() };
    return any ? CLEAR : UNKNOWN;
  }
}
