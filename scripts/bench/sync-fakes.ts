// Child process of the sync benchmark: serves N synthetic tenants split over the three wire-level
// fakes, so the fakes' own state does not count in the sync process's memory. Prints one JSON
// line with the URLs; answers "stats" on stdin with the API requests each fake has served.
import { createInterface } from 'node:readline';
import { startAwsFake, type AwsFakeState, type FakeAgreement } from '../../adapters/aws/fake.ts';
import { startAzureFake, syntheticAzureState } from '../../adapters/azure/index.ts';
import { startGcpFake } from '../../adapters/gcp/index.ts';
import { writeGcpReports } from '../../adapters/gcp/fake-reports.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GcpFakeState } from '../../adapters/gcp/fake-state.ts';

const T0 = Date.UTC(2025, 0, 1) / 1000;

function awsState(n: number): AwsFakeState {
  const agreements: FakeAgreement[] = [];
  for (let i = 0; i < n; i++) {
    agreements.push({
      agreementId: `agmt-${i.toString(36).padStart(10, '0')}`,
      acceptorAccountId: String(100_000_000_000 + i),
      status: 'ACTIVE',
      productId: 'prod-claude-sonnet',
      productType: 'SaaSProduct',
      offerId: 'offer-public',
      acceptanceTime: T0,
      startTime: T0,
      lastUpdateTime: T0 + (i % 1000),
    });
  }
  return {
    proposerAccountId: '999988887777',
    agreements,
    bucket: 'bench',
    objects: [],
    models: [],
    productModels: {},
  };
}

const COUNTRIES = ['SG', 'US', 'DE', 'JP', 'BR', 'IN', 'GB', 'FR'];

function gcpState(n: number): GcpFakeState {
  const state: GcpFakeState = {
    providerId: 'bench-public',
    accounts: [],
    entitlements: [],
    insights: [],
    charges: [],
  };
  const created = '2025-01-01T00:00:00Z';
  for (let i = 0; i < n; i++) {
    const id = `e${i.toString(16).padStart(7, '0')}-0000-4000-8000-000000000000`;
    state.accounts.push({ id, createTime: created, updateTime: created });
    // the Customer Insights report has a row for every account (a real sync joins it)
    const hex = i.toString(16).toUpperCase().padStart(18, '0');
    state.insights.push({
      report_date: '2026-11-20',
      external_account_id: id,
      customer_name: `Bench Customer ${i} Pte. Ltd.`,
      customer_country: COUNTRIES[i % COUNTRIES.length]!,
      customer_domain: `customer-${i}.example.com`,
      billing_account_id: `${hex.slice(0, 6)}-${hex.slice(6, 12)}-${hex.slice(12)}`,
      product_external_name: 'claude.endpoints.bench-public.cloud.goog',
    });
    state.entitlements.push({
      id: `ent-${i}`,
      accountId: id,
      productExternalName: 'claude.endpoints.bench-public.cloud.goog',
      plan: 'pro',
      offer: 'projects/bench/services/claude/standardOffers/public',
      state: 'ENTITLEMENT_ACTIVE',
      consumers: [],
      createTime: created,
      updateTime: created,
    });
  }
  return state;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 100_000);
  const pageSize = Number(process.argv[3] ?? 1000);
  const per = Math.floor(total / 3);
  const aws = await startAwsFake({ state: awsState(per) });
  const gcpBench = gcpState(per);
  // the reports folder the adapter reads, beside the fakes (this process removes it at exit)
  const reportsDir = mkdtempSync(join(tmpdir(), 'cg-bench-gcp-reports-'));
  await writeGcpReports(gcpBench, reportsDir);
  const gcp = await startGcpFake({ state: gcpBench });
  const azure = await startAzureFake({ state: syntheticAzureState(total - 2 * per), faults: { pageSize } });
  process.stdout.write(
    JSON.stringify({
      tenants: { aws: per, gcp: per, azure: total - 2 * per },
      aws: { url: aws.url, credentials: aws.credentials },
      gcp: { url: gcp.url, providerId: 'bench-public', key: gcp.createServiceAccountKey(), reportsDir },
      azure: { url: azure.url },
    }) + '\n',
  );
  const counts = () => ({
    aws: Object.values(aws.faults.calls).reduce((a, b) => a + b, 0),
    gcp: gcp.stats.apiRequests,
    azure: azure.requests.length,
  });
  // when each fake first and last saw a request (100 ms resolution): the window a rate applies to
  const seen: Record<string, { count: number; first?: number; last?: number }> = {};
  setInterval(() => {
    for (const [cloud, n] of Object.entries(counts())) {
      const s = (seen[cloud] ??= { count: n });
      if (n !== s.count) {
        s.first ??= Date.now() - 100;
        s.last = Date.now();
        s.count = n;
      }
    }
  }, 100).unref();
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'reset') {
      for (const k of Object.keys(seen)) delete seen[k];
      for (const [cloud, n] of Object.entries(counts())) seen[cloud] = { count: n };
      process.stdout.write('{}\n');
    }
    if (line.trim() === 'stats') process.stdout.write(JSON.stringify({ counts: counts(), seen }) + '\n');
  });
  process.stdin.on('end', () => {
    void Promise.all([aws.close(), gcp.close(), azure.close()]).then(() => {
      rmSync(reportsDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
