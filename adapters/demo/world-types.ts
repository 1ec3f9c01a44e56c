// The generated demo marketplace: one world of companies and tenants that the three fakes serve
// (each in its own cloud's wire shapes) and that the bundled BODS ownership graph describes.
import type { Cloud } from '../../src/adapter.ts';

export interface DemoCompany {
  /** BODS recordId of the company in the bundled ownership graph */
  id: string;
  legalName: string;
  /** ISO 3166-1 alpha-2 of headquarters */
  country: string;
  lei?: string;
  /** China's Unified Social Credit Code, for CN companies */
  uscc?: string;
  /** tax registration number as AWS's account feed would give it (non-US) */
  taxId?: string;
  domain: string;
  /** the demo's ground truth, for tests: whether the rule should restrict it */
  expected: 'restricted' | 'allowed' | 'review';
}

export interface DemoUsage {
  /** model id as the cloud names it (e.g. "anthropic.claude-sonnet-4-5-v1:0" on Bedrock) */
  model: string;
  /** YYYY-MM */
  month: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** USD */
  spend: number;
}

export interface DemoTenant {
  cloud: Cloud;
  /** AWS 12-digit account id; GCP procurement account id (uuid-like); Azure beneficiary tenant id (guid) */
  key: string;
  /** the company behind it, or null for a personal / unidentifiable buyer */
  companyId: string | null;
  /** the name as this cloud's reports carry it (upper case, abbreviated, or "n/a" for GCP personal accounts) */
  reportedName: string;
  country?: string;
  domain?: string;
  /** AWS account feed tax_registration_number */
  taxId?: string;
  /** AWS: the payer account id when it differs from the end user */
  payerKey?: string;
  /** Azure: the CSP reseller (purchaser) tenant id when it differs from the beneficiary */
  resellerKey?: string;
  /** GCP: billing account id ("billingAccounts/XXXXXX-XXXXXX-XXXXXX") */
  billingAccount?: string;
  /** GCP: consumer projects */
  projects?: string[];
  /** Azure: SaaS subscription id; AWS: agreement id; GCP: entitlement id */
  subscriptionId: string;
  offer: string;
  plan: string;
  status: 'active' | 'suspended' | 'cancelled';
  startDate: string;
  usage: DemoUsage[];
}

export interface DemoWorld {
  seed: number;
  /** the period the demo usage covers, YYYY-MM */
  months: string[];
  companies: DemoCompany[];
  /** channel parties (payers, CSP resellers) appear here too, with their own keys */
  tenants: DemoTenant[];
  /** BODS 0.4 statements describing the companies and their owners */
  bods: unknown[];
}
