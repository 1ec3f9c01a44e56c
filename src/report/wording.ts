// Plain words for evaluator reason codes and share intervals. The wording depends only on the
// code, the decision type and the policy knobs: the report makes no claim the decision does not.
import type { Policy } from '../policy/schema.ts';
import type { ShareView } from './witness.ts';

export interface WordingContext {
  decision: 'restricted' | 'review';
  rules: Pick<Policy, 'threshold' | 'control'>;
  /** what the restricted roots of the chain are, e.g. "companies in CN" */
  owners?: string;
  cascade?: { min: number; max: number };
  lookThrough?: { min: number; max: number };
}

export interface Worded {
  code: string;
  text: string;
  /** false when the table has no wording for the code: the code is shown as is, marked so */
  known: boolean;
}

/** A percentage as the evaluator gives it (already rounded outward): never exponent notation. */
export function formatPercent(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Tiny values: all the digits toFixed can give, never rounded to 0.
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** "60%", "25–50%", ">50%", "≤40%", "unknown" — open bounds shown, never rounded inward. */
export function formatShare(share: ShareView): string {
  const { min, max } = share;
  const minOpen = share.minOpen === true;
  const maxOpen = share.maxOpen === true;
  const lo = formatPercent(min);
  const hi = formatPercent(max);
  if (min === max && !minOpen && !maxOpen) return `${lo}%`;
  if (min <= 0 && !minOpen && max >= 100 && !maxOpen) return 'unknown';
  if (max >= 100 && !maxOpen) return `${minOpen ? '>' : '≥'}${lo}%`;
  if (min <= 0 && !minOpen) return `${maxOpen ? '<' : '≤'}${hi}%`;
  return `${minOpen ? '>' : ''}${lo}–${maxOpen ? '<' : ''}${hi}%`;
}

export function isUnknownShare(share: ShareView): boolean {
  return share.min <= 0 && share.max >= 100 && share.minOpen !== true && share.maxOpen !== true;
}

const INTEREST_WORDS: Record<string, string> = {
  shareholding: 'shareholding',
  votingRights: 'voting rights',
  appointmentOfBoard: 'the right to appoint the board',
  otherInfluenceOrControl: 'other influence or control',
  seniorManagingOfficial: 'a senior managing official',
  controlViaCompanyRulesOrArticles: 'control through the company rules or articles',
  controlByLegalFramework: 'control by legal framework',
  rightsGrantedByContract: 'rights granted by contract',
  conditionalRightsGrantedByContract: 'conditional rights granted by contract',
  boardMember: 'a board seat',
  boardChair: 'the board chair',
  nominee: 'a nominee arrangement',
  consolidation: 'accounting consolidation (GLEIF parent)',
  branch: 'a branch relationship (same legal person)',
  fundManagement: 'fund management',
  unknownInterest: 'an interest of unknown type',
  unpublishedInterest: 'an unpublished interest',
  '(none)': 'an interest of unstated type',
};

export function interestWords(type: string): string {
  return INTEREST_WORDS[type] ?? `interest type "${type}"`;
}

const ORIGIN_WORDS: Record<string, string> = {
  headquarters: 'headquartered in',
  incorporation: 'incorporated in',
  jurisdiction: 'a state or state body of',
  state: 'a state or state body of',
  residence: 'individual, resident in',
  nationality: 'individual, national of',
  taxResidency: 'individual, tax resident in',
};

function thresholdWords(rules: WordingContext['rules']): string {
  const p = formatPercent(rules.threshold.percent);
  return rules.threshold.inclusive ? `${p}% or more` : `more than ${p}%`;
}

function interval(iv: { min: number; max: number } | undefined): string {
  if (!iv) return '';
  return iv.min === iv.max
    ? `: ${formatPercent(iv.min)}%`
    : `: ${formatPercent(iv.min)}–${formatPercent(iv.max)}%`;
}

function method(code: 'cascade' | 'look-through', ctx: WordingContext): string {
  const label = code === 'cascade' ? 'cascade' : 'look-through, multiplied along the chain';
  const iv = interval(code === 'cascade' ? ctx.cascade : ctx.lookThrough);
  const by = ctx.owners ? ` by ${ctx.owners}` : '';
  const thr = thresholdWords(ctx.rules);
  return ctx.decision === 'restricted'
    ? `owned ${thr} (computed, ${label}${iv})${by}`
    : `possibly owned ${thr} (computed, ${label}${iv})${by}: the data neither confirms nor rules it out`;
}

function control(type: string, ctx: WordingContext): string {
  const words = interestWords(type);
  const restricting = (ctx.rules.control.restricting as readonly string[]).includes(type);
  const indicative = (ctx.rules.control.indicative as readonly string[]).includes(type);
  // The evaluator names a control interest whenever its holder is restricted OR possibly
  // restricted, so the words never claim more than that.
  if (restricting)
    return `${words} held by a party that is or may be restricted (such control counts whatever the share)`;
  if (indicative) return `${words} held by a party that is or may be restricted (indicative of control)`;
  return `${words} held by a party that is or may be restricted`;
}

/** Fixed sentences for codes whose meaning does not depend on the decision. */
const FIXED: Record<string, string> = {
  'unknown-origin': 'ownership data missing: unknown owner',
  'unknown-owner': 'ownership data missing: unknown owner',
  remainder: 'ownership data missing: part of the capital is not accounted for',
  unaccounted: 'ownership data missing: part of the capital is not accounted for',
  'unknown-share': 'linked, percentage unknown',
  'invalid-share': 'ownership data invalid: a stated share is not a valid percentage and counts as 0–100%',
  'inconsistent-shares': 'ownership data inconsistent: stated shares add up to more than 100%',
  'self-holding': 'a holding of the company in itself was ignored',
  'conflicting-statements':
    'two statements about one record carry the same date; the one with the larger statement id was used',
  'paths-truncated': 'more ownership paths exist than are listed here',
  cycle: 'the ownership chain contains a cycle',
  boundary: 'a share lies exactly at the threshold',
  'depth-limit': 'the ownership chain was not explored to its end',
  'iteration-capped': 'a cross-holding cycle was computed approximately (iteration limit reached)',
  'not-in-graph': 'the legal entity has no record in the ownership data',
  'no-reason-given': 'the evaluator gave no reason code for this decision',
  origin: 'restricted by its own origin',
  root: 'restricted by its own origin',
  'no-entity': 'the tenant could not be matched to a legal entity',
  unresolved: 'the tenant could not be matched to a legal entity',
  ambiguous: 'the tenant matches more than one legal entity equally well',
  stale: 'ownership data older than the policy allows',
  'stale-source': 'the marketplace data is older than its configured maximum age',
  'input-issue': 'a record of the ownership data bearing on this company could not be read',
  'match-review': 'the match to a legal entity is not certain and awaits review',
  'match-ambiguous': 'the tenant matches more than one legal entity equally well',
  'no-decision-for-entity': 'the matched legal entity has no decision',
  'channel-party-undescribed': 'a channel party (payer or reseller) is known only by its id',
};

/** Channel roles a tenant decision prefixes its parties' reasons with (src/resolve/decide-tenant.ts). */
const ROLES: Record<string, string> = {
  tenant: '',
  payer: 'its payer account: ',
  reseller: 'its reseller: ',
  'billing-account': 'its billing account: ',
};

/** The sentence for one reason code. Unknown codes are shown verbatim and flagged, never invented. */
export function wordReason(code: string, ctx: WordingContext): Worded {
  const role = code.slice(0, code.indexOf(':'));
  const lead = ROLES[role];
  if (lead !== undefined) {
    const inner = wordReason(code.slice(role.length + 1), ctx);
    return { code, text: lead + inner.text, known: inner.known };
  }
  if (code.startsWith('determination:'))
    return { code, text: `decided by a reviewer (determination ${code.slice(14)})`, known: true };
  if (code.startsWith('candidate-restricted:'))
    return { code, text: 'a possible match for the tenant is a restricted company', known: true };
  return wordCode(code, ctx);
}

function wordCode(code: string, ctx: WordingContext): Worded {
  if (code === 'cascade' || code === 'look-through') return { code, text: method(code, ctx), known: true };
  const fixed = FIXED[code];
  if (fixed !== undefined) return { code, text: fixed, known: true };
  const parts = code.split(':');
  if (parts[0] === 'origin' && parts.length === 3) {
    const words = ORIGIN_WORDS[parts[1] ?? ''];
    if (words !== undefined) return { code, text: `${words} ${parts[2]}, a restricted region`, known: true };
  }
  if ((parts[0] === 'control' || parts[0] === 'indicative') && parts.length === 2)
    return { code, text: control(parts[1] ?? '', ctx), known: true };
  return { code, text: `evaluator reason "${code}" (no plain-words wording defined)`, known: false };
}

/** Words for a witness path's root reason ("origin:headquarters:CN", "unknown-origin", "remainder"). */
export function wordRootReason(code: string, ctx: WordingContext): string {
  return wordReason(code, ctx).text;
}
