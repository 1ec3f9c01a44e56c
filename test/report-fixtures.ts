// Shared builders for the report tests: a partner report input in a few lines, and a test key.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cloud } from '../src/adapter.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { generateKeyPairPem, loadSigningKey, type SigningKey } from '../src/report/keys.ts';
import type { PartnerReportInput, ReportTenant } from '../src/report/types.ts';

const policy = loadPolicy();

export async function testKey(): Promise<SigningKey & { publicPem: string; privatePem: string }> {
  const pair = generateKeyPairPem();
  const key = await loadSigningKey({ env: { CHANNELGUARD_SIGNING_KEY: pair.privatePem } });
  return { ...key, publicPem: pair.publicPem, privatePem: pair.privatePem };
}

export async function tempDir(prefix = 'cg-report-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A restricted AWS tenant owned 60% by a CN company, through one hop. */
export function awsTenant(account: string, overrides: Partial<ReportTenant> = {}): ReportTenant {
  return {
    partner: 'aws',
    tenantKey: account,
    partnerIds: { account, subscriptions: [`agmt-${account}`] },
    decision: 'restricted',
    reasons: ['cascade', 'look-through'],
    entityId: `ent-${account}`,
    entityName: `Tenant Co ${account}`,
    chain: [
      {
        root: 'cn-parent',
        rootReason: 'origin:headquarters:CN',
        hops: [
          {
            holder: 'cn-parent',
            subject: `ent-${account}`,
            interestType: 'shareholding',
            share: { min: 60, max: 60 },
            source: `rel-${account}`,
            statementId: `st-${account}`,
          },
        ],
      },
    ],
    parties: {
      [`ent-${account}`]: { kind: 'entity', name: `Tenant Co ${account}`, countries: ['SG'] },
      'cn-parent': { kind: 'entity', name: 'Parent Holdings', countries: ['CN'] },
    },
    cascade: { min: 60, max: 60 },
    lookThrough: { min: 60, max: 60 },
    usage: {
      requests: 10,
      inputTokens: 1000,
      outputTokens: 500,
      spend: 12.5,
      currency: 'USD',
      lastUsageAt: '2025-10-20T10:00:00Z',
    },
    firstFlaggedAt: '2025-10-01',
    ...overrides,
  };
}

export function reportInput(
  partner: Cloud,
  tenants: PartnerReportInput['tenants'],
  overrides: Partial<PartnerReportInput> = {},
): PartnerReportInput {
  return {
    partner,
    runId: 'run-2025-11-01',
    generatedAt: '2025-11-01T00:00:00Z',
    asOf: '2025-11-01',
    period: { start: '2025-10-01', end: '2025-11-01' },
    policy: policy.ref,
    policyRules: policy.policy,
    snapshots: [
      {
        source: `${partner}:tenants`,
        cloud: partner,
        retrievedAt: '2025-10-31T23:00:00Z',
        sha256: 'a'.repeat(64),
        complete: true,
      },
      {
        source: 'bods:ownership.jsonl',
        retrievedAt: '2025-10-30T00:00:00Z',
        sha256: 'b'.repeat(64),
        complete: true,
      },
    ],
    otherPartnerKeys: new Set(),
    tenants,
    ...overrides,
  };
}
