import { z } from 'zod';

/** BODS 0.4 interestType codelist, plus the GLEIF-derived types of the control rule. */
export const INTEREST_TYPES = [
  'shareholding',
  'votingRights',
  'appointmentOfBoard',
  'otherInfluenceOrControl',
  'seniorManagingOfficial',
  'settlor',
  'trustee',
  'protector',
  'beneficiaryOfLegalArrangement',
  'rightsToSurplusAssetsOnDissolution',
  'rightsToProfitOrIncome',
  'rightsGrantedByContract',
  'conditionalRightsGrantedByContract',
  'controlViaCompanyRulesOrArticles',
  'controlByLegalFramework',
  'boardMember',
  'boardChair',
  'unknownInterest',
  'unpublishedInterest',
  'enjoymentAndUseOfAssets',
  'rightToProfitOrIncomeFromAssets',
  'nominee',
  'nominator',
  'consolidation',
  'branch',
  'fundManagement',
] as const;

export type InterestType = (typeof INTEREST_TYPES)[number];

const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const regionCode = z
  .string()
  .regex(REGION, 'must be an ISO 3166-1 alpha-2 or ISO 3166-2 code, upper case (e.g. "CN", "UA-43")');
const interestType = z.enum(INTEREST_TYPES);
const uniqueList = <T extends z.ZodTypeAny>(item: T) =>
  z.array(item).refine((xs) => new Set(xs).size === xs.length, 'lists a value twice');

/** A policy file: `id` and `version` required, every knob optional (defaults fill the rest). */
export const policyFileSchema = z.strictObject({
  id: z.string().min(1),
  version: z.string().min(1),
  regions: z
    .strictObject({
      restricted: uniqueList(regionCode).optional(),
      supported: uniqueList(regionCode).optional(),
    })
    .optional(),
  origin: z
    .strictObject({
      entities: uniqueList(z.enum(['headquarters', 'incorporation'])).optional(),
      persons: uniqueList(z.enum(['residence', 'nationality', 'taxResidency'])).optional(),
      states: z.boolean().optional(),
    })
    .optional(),
  threshold: z
    .strictObject({
      percent: z.number().finite().min(0).max(100).optional(),
      inclusive: z.boolean().optional(),
    })
    .optional(),
  method: z.enum(['cascade', 'look-through', 'either', 'both']).optional(),
  aggregation: z.enum(['all', 'per-region', 'none']).optional(),
  interests: z.strictObject({ ownership: uniqueList(interestType).optional() }).optional(),
  control: z
    .strictObject({
      restricting: uniqueList(interestType).optional(),
      indicative: uniqueList(interestType).optional(),
    })
    .optional(),
  unaccountedShares: z.enum(['clear', 'unknown']).optional(),
  unidentifiedOwners: z.enum(['review', 'ignore']).optional(),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;

export type EntityOrigin = 'headquarters' | 'incorporation';
export type PersonOrigin = 'residence' | 'nationality' | 'taxResidency';
export type Method = 'cascade' | 'look-through' | 'either' | 'both';
export type Aggregation = 'all' | 'per-region' | 'none';

/** The resolved policy: every knob set. This is what is hashed and what the evaluator reads. */
export interface Policy {
  id: string;
  version: string;
  regions: { restricted?: string[]; supported?: string[] };
  origin: { entities: EntityOrigin[]; persons: PersonOrigin[]; states: boolean };
  threshold: { percent: number; inclusive: boolean };
  method: Method;
  aggregation: Aggregation;
  interests: { ownership: InterestType[] };
  control: { restricting: InterestType[]; indicative: InterestType[] };
  unaccountedShares: 'clear' | 'unknown';
  unidentifiedOwners: 'review' | 'ignore';
}

/** A policy with its identity: what every decision carries. */
export interface PolicyRef {
  id: string;
  version: string;
  sha256: string;
}

export interface LoadedPolicy {
  policy: Policy;
  ref: PolicyRef;
  /** where it came from: a file path, or "shipped default" */
  source: string;
}
