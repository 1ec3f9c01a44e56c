// What the audit hands the report builder, and what the builder hands back. The audit maps its
// decisions, tenant records and usage into these shapes; the report layer does no I/O beyond
// writing its own folder.
import type { Cloud } from '../adapter.ts';
import type { PartyKind } from '../model/types.ts';
import type { Policy, PolicyRef } from '../policy/schema.ts';
import type { WitnessPath } from './witness.ts';

export type { WitnessHop, WitnessPath, ShareView } from './witness.ts';

/**
 * A partner's own ids for one tenant. Shapes by partner (checked before signing):
 * - aws: `account` (12-digit account id), optional `billingAccount` (the 12-digit payer account),
 *   `subscriptions` (agreement ids); never `tenant`.
 * - gcp: `account` (procurement account id), `billingAccount` ("billingAccounts/XXXXXX-XXXXXX-XXXXXX"
 *   or the bare id), `subscriptions` (entitlement ids); never `tenant`.
 * - azure: `tenant` (beneficiary tenant GUID), `subscriptions` (SaaS subscription GUIDs); never
 *   `account` or `billingAccount`.
 */
export interface PartnerIds {
  account?: string;
  billingAccount?: string;
  tenant?: string;
  subscriptions?: string[];
}

/** What the report may show of a party on a chain. Persons are reduced to "individual, <country>". */
export interface ChainParty {
  kind: PartyKind;
  /** shown for companies, states and state bodies only; never for a natural person */
  name?: string;
  /** ISO 3166 codes (headquarters/incorporation, or residence/nationality for persons) */
  countries?: string[];
}

export interface TenantUsage {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  spend: number;
  /** ISO 4217 */
  currency: string;
  /** ISO date-time of the last usage line seen in the period */
  lastUsageAt?: string;
}

export interface ReportTenant {
  partner: Cloud;
  tenantKey: string;
  partnerIds: PartnerIds;
  /** only exceptions are reported: an `allowed` tenant is refused */
  decision: 'restricted' | 'review';
  /** evaluator reason codes (Decision.reasons) */
  reasons: string[];
  /** the entity's witness paths (Decision.paths), company level */
  chain: WitnessPath[];
  /** the legal entity the tenant resolved to (Decision.id) */
  entityId?: string;
  entityName?: string;
  /** descriptions of every party id on `chain` (graph.party(id)); an id missing here is shown as "undescribed party" */
  parties?: Readonly<Record<string, ChainParty>>;
  /** Decision.cascade / Decision.lookThrough, percent, for the wording of the computed share */
  cascade?: { min: number; max: number };
  lookThrough?: { min: number; max: number };
  usage: TenantUsage;
  /** YYYY-MM-DD or ISO date-time */
  firstFlaggedAt: string;
  /** when the restriction took effect (restricted tenants); usage after it is an enforcement gap */
  restrictionEffectiveAt?: string;
}

export interface SnapshotRef {
  /** e.g. "aws:SearchAgreements", "bods:ownership.jsonl" */
  source: string;
  cloud?: Cloud;
  retrievedAt: string;
  sha256?: string;
  complete: boolean;
}

/** One tenant of a previous report, as `readPreviousReport` returns it. */
export interface PreviousEntry {
  tenantKey: string;
  partnerIds: PartnerIds;
  decision: 'restricted' | 'review';
  entityId?: string;
  entityName?: string;
  firstFlaggedAt: string;
}

export interface PreviousReport {
  /** sha256 (hex) of the previous report's exact manifest.json bytes */
  digest: string;
  entries: ReadonlyMap<string, PreviousEntry>;
}

export interface PartnerReportInput {
  partner: Cloud;
  /** a stable id of the audit run; it names nothing secret */
  runId: string;
  /** injected: the report never reads the clock */
  generatedAt: string;
  /** YYYY-MM-DD the decisions were made for */
  asOf: string;
  period: { start: string; end: string };
  policy: PolicyRef;
  /** the knobs the wording depends on: pass `loadedPolicy.policy` */
  policyRules: Pick<Policy, 'threshold' | 'control'>;
  snapshots: SnapshotRef[];
  previousReport?: PreviousReport;
  /**
   * every tenant key (and partner id) known for the OTHER partners: none may appear anywhere in
   * this partner's files. Pass an empty set only when there are no other partners.
   */
  otherPartnerKeys: ReadonlySet<string>;
  /** streamed; must arrive sorted by tenantKey (code-unit order, see compareKeys) with no duplicates */
  tenants: AsyncIterable<ReportTenant> | Iterable<ReportTenant>;
}

export interface ReportCounts {
  tenants: number;
  restricted: number;
  review: number;
  new: number;
  unchanged: number;
  changed: number;
  resolved: number;
  enforcementGaps: number;
  possibleEnforcementGaps: number;
}

export interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

/** The signed manifest (manifest.json holds its canonical JSON). */
export interface ReportManifest {
  schemaVersion: '1.0';
  kind: 'channelguard-report-manifest';
  partner: Cloud;
  run: string;
  generatedAt: string;
  asOf: string;
  policy: PolicyRef;
  /** sha256 of the partner's previous manifest.json bytes; null for the first report */
  previousManifestSha256: string | null;
  files: ManifestFile[];
  signer: { algorithm: 'Ed25519'; keyId: string };
  counts: ReportCounts;
  dataComplete: boolean;
}

export interface BuildResult {
  dir: string;
  /** sha256 (hex) of manifest.json: the next report's previous link */
  manifestDigest: string;
  counts: ReportCounts;
  dataComplete: boolean;
  /** reason codes the wording table did not know (shown verbatim, marked as such) */
  unwordedReasonCodes: string[];
}

/** Code-unit order, the order tenants must arrive in. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
