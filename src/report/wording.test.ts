import assert from 'node:assert/strict';
import { loadPolicy } from '../policy/load.ts';
import { formatShare, wordReason, type WordingContext } from './wording.ts';

const rules = loadPolicy().policy;
const restricted: WordingContext = { decision: 'restricted', rules, owners: 'companies in CN' };
const review: WordingContext = { decision: 'review', rules };

describe('report wording', () => {
  const table: Array<[string, WordingContext, string]> = [
    ['cascade', restricted, 'owned more than 50% (computed, cascade) by companies in CN'],
    [
      'cascade',
      { ...restricted, cascade: { min: 55, max: 55 } },
      'owned more than 50% (computed, cascade: 55%) by companies in CN',
    ],
    [
      'look-through',
      { ...restricted, lookThrough: { min: 51, max: 60 } },
      'owned more than 50% (computed, look-through, multiplied along the chain: 51–60%) by companies in CN',
    ],
    [
      'cascade',
      review,
      'possibly owned more than 50% (computed, cascade): the data neither confirms nor rules it out',
    ],
    [
      'cascade',
      { ...restricted, rules: { ...rules, threshold: { percent: 50, inclusive: true } } },
      'owned 50% or more (computed, cascade) by companies in CN',
    ],
    ['unknown-origin', review, 'ownership data missing: unknown owner'],
    ['unknown-share', review, 'linked, percentage unknown'],
    ['remainder', review, 'ownership data missing: part of the capital is not accounted for'],
    [
      'invalid-share',
      review,
      'ownership data invalid: a stated share is not a valid percentage and counts as 0–100%',
    ],
    ['inconsistent-shares', review, 'ownership data inconsistent: stated shares add up to more than 100%'],
    ['self-holding', review, 'a holding of the company in itself was ignored'],
    ['paths-truncated', review, 'more ownership paths exist than are listed here'],
    ['origin:headquarters:CN', restricted, 'headquartered in CN, a restricted region'],
    ['origin:incorporation:UA-43', restricted, 'incorporated in UA-43, a restricted region'],
    ['origin:residence:RU', restricted, 'individual, resident in RU, a restricted region'],
    [
      'control:appointmentOfBoard',
      restricted,
      'the right to appoint the board held by a party that is or may be restricted (such control counts whatever the share)',
    ],
    // An indicative interest never reads as control, even on a restricted tenant.
    [
      'control:boardMember',
      restricted,
      'a board seat held by a party that is or may be restricted (indicative of control)',
    ],
    [
      'control:otherInfluenceOrControl',
      review,
      'other influence or control held by a party that is or may be restricted (indicative of control)',
    ],
    ['control:settlor', review, 'interest type "settlor" held by a party that is or may be restricted'],
    [
      'iteration-capped',
      review,
      'a cross-holding cycle was computed approximately (iteration limit reached)',
    ],
    ['not-in-graph', review, 'the legal entity has no record in the ownership data'],
    ['tenant:origin:headquarters:CN', restricted, 'headquartered in CN, a restricted region'],
    [
      'payer:origin:headquarters:HK',
      restricted,
      'its payer account: headquartered in HK, a restricted region',
    ],
    ['reseller:unresolved', review, 'its reseller: the tenant could not be matched to a legal entity'],
    ['tenant:match-ambiguous', review, 'the tenant matches more than one legal entity equally well'],
    ['determination:det-42', review, 'decided by a reviewer (determination det-42)'],
    ['tenant:candidate-restricted:cn-1', review, 'a possible match for the tenant is a restricted company'],
    ['stale-source', review, 'the marketplace data is older than its configured maximum age'],
    [
      'conflicting-statements',
      review,
      'two statements about one record carry the same date; the one with the larger statement id was used',
    ],
  ];
  for (const [code, ctx, text] of table)
    it(`words ${code} for a ${ctx.decision} decision`, () => {
      const w = wordReason(code, ctx);
      assert.equal(w.text, text);
      assert.equal(w.known, true);
    });

  it('shows an unknown code verbatim and marks it, never inventing a claim', () => {
    const w = wordReason('brand-new-code', review);
    assert.equal(w.known, false);
    assert.equal(w.text, 'evaluator reason "brand-new-code" (no plain-words wording defined)');
  });

  const shares: Array<[Parameters<typeof formatShare>[0], string]> = [
    [{ min: 60, max: 60 }, '60%'],
    [{ min: 25, max: 50 }, '25–50%'],
    [{ min: 25, max: 50, minOpen: true }, '>25–50%'],
    [{ min: 50, max: 100, minOpen: true }, '>50%'],
    [{ min: 50, max: 100 }, '≥50%'],
    [{ min: 0, max: 40 }, '≤40%'],
    [{ min: 0, max: 40, maxOpen: true }, '<40%'],
    [{ min: 0, max: 100 }, 'unknown'],
    [{ min: 33.333333, max: 33.333334 }, '33.333333–33.333334%'],
    [{ min: 1e-7, max: 1e-7 }, '0.0000001%'],
  ];
  for (const [share, text] of shares)
    it(`renders share ${JSON.stringify(share)} as ${text}`, () => assert.equal(formatShare(share), text));
});
