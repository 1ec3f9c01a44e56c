// npm run bench:audit [-- --scale 0.1]
// The audit at scale: 1M tenants across the three partners against a 10M-party ownership graph
// (the evaluator benchmark's "groups" graph). The tenants are written straight into an embedded
// store (the sync and its rate limits are measured by bench:sync), each carrying the tax number of
// the company behind it; then runAudit resolves, evaluates, decides and writes three signed
// reports. Prints each stage's time and the peak memory. Target: the whole audit under 5 minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { CLOUDS, type Cloud, type TenantRecord, type UsageRecord } from '../../src/adapter.ts';
import { runAudit } from '../../src/audit/run-audit.ts';
import { createGraphBuilder } from '../../src/evaluator/index.ts';
import { silentLogger } from '../../src/log.ts';
import type { AnyStatement, Party } from '../../src/model/types.ts';
import type { LoadedOwnership } from '../../src/ownership/load.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import { generateKeyPairPem, keyIdOf } from '../../src/report/index.ts';
import { openStore, putSourceStatus, writeTenants, writeUsage } from '../../src/store/index.ts';
import { groupsLike } from './graph-gen.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const scale = Number(arg('scale', '1'));
const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Every company gets a tax registration number (a registry extract would give one). */
const taxId = (p: Party) => `${p.headquarters?.[0] ?? 'US'}${p.id.toUpperCase()}`;

async function main() {
  const t0 = performance.now();
  // 1. The ownership graph, generated into the builder, with a tax number per company.
  const builder = createGraphBuilder();
  const tenantsWanted = Math.round(1_000_000 * scale);
  const picked: Party[] = [];
  let companies = 0;
  const every = Math.max(1, Math.floor((7_800_000 * scale) / tenantsWanted));
  const generated = groupsLike((s: AnyStatement) => {
    if (s.recordType === 'party' && s.record.kind === 'entity' && s.record.id.startsWith('C')) {
      const p: Party = { ...s.record, identifiers: [{ scheme: 'TAX', id: taxId(s.record) }] };
      if (companies++ % every === 0 && picked.length < tenantsWanted) picked.push(p);
      builder.add({ ...s, record: p });
    } else builder.add(s);
  }, scale);
  const graph = builder.build('2026-11-01');
  const tGraph = performance.now() - t0;
  console.log(
    `graph: ${generated.parties} parties, ${generated.relationships} relationships built in ${secs(tGraph)} (rss ${mb(process.memoryUsage().rss)})`,
  );

  // 2. The tenants, written as a sync would write them.
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-audit-'));
  const db = await openStore({ dataDir: join(dir, 'db'), logger: silentLogger });
  const t1 = performance.now();
  const now = new Date('2026-11-21T00:00:00Z');
  const stamp = { runId: 'bench', seenAt: now.toISOString() };
  for (let i = 0; i < picked.length; i += 2000) {
    const tenants: TenantRecord[] = [];
    const usage: UsageRecord[] = [];
    for (let k = i; k < Math.min(picked.length, i + 2000); k++) {
      const p = picked[k]!;
      const cloud: Cloud = CLOUDS[k % 3]!;
      const key =
        cloud === 'aws'
          ? String(100_000_000_000 + k)
          : cloud === 'azure'
            ? `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`
            : `acct-${k}`;
      tenants.push({
        cloud,
        tenantKey: key,
        partner: cloud,
        accountIds: [key],
        legalName: `Company ${p.id}`,
        countryCode: p.headquarters?.[0] ?? 'US',
        registrationIds: [{ scheme: 'tax-registration', id: taxId(p) }],
        entitlements: [],
        links: [],
        provenance: [],
        missing: [],
      });
      usage.push({
        cloud,
        tenantKey: key,
        modelId: 'claude',
        dimension: 'spend',
        quantity: 10 + (k % 1000),
        unit: 'USD',
        currency: 'USD',
        periodStart: '2026-10-01T00:00:00Z',
        periodEnd: '2026-11-01T00:00:00Z',
        source: 'bench',
        lineId: `u-${k}`,
      });
    }
    await db.transaction(async (tx) => {
      await writeTenants(tx, tenants, stamp);
      await writeUsage(tx, usage, stamp);
    });
  }
  for (const cloud of CLOUDS)
    for (const source of ['tenants', 'usage'] as const)
      await putSourceStatus(db, {
        cloud,
        source,
        runId: 'bench',
        at: now.toISOString(),
        complete: true,
        feeds: [],
        items: 0,
        rejected: 0,
      });
  const tStore = performance.now() - t1;
  console.log(`store: ${picked.length} tenants written in ${secs(tStore)}`);

  // 3. The audit itself.
  const pem = generateKeyPairPem(); // a throw-away key, made explicitly for this benchmark
  const privateKey = createPrivateKey(pem.privatePem);
  const publicKey = createPublicKey(pem.publicPem);
  const ownership: LoadedOwnership = {
    graph,
    affected: new Set(),
    issues: [],
    warnings: 0,
    unattributed: 0,
    statements: generated.parties + generated.relationships,
  };
  const t2 = performance.now();
  const summary = await runAudit({
    db,
    partners: CLOUDS,
    period: { start: '2026-10-01T00:00:00Z', end: '2026-11-01T00:00:00Z' },
    ownershipFiles: [],
    ownership,
    policy: loadPolicy(),
    asOf: '2026-11-01',
    reportsDir: join(dir, 'reports'),
    signingKey: async () => ({ privateKey, publicKey, keyId: keyIdOf(publicKey) }),
    maxAgeHours: { aws: 48, gcp: 72, azure: 72 },
    deltaGuardShare: 0.05,
    acceptDelta: false,
    logger: silentLogger,
    clock: () => now,
    onStage: (s) => console.log(`  … ${s} (rss ${mb(process.memoryUsage().rss)})`),
    batchSize: Number(arg('batch', '20000')),
  });
  const tAudit = performance.now() - t2;
  await db.close();
  clearInterval(sample);
  console.log('');
  console.log(
    `audit ${summary.status}: ${summary.partners.map((p) => `${p.partner} ${p.tenants} tenants (${p.restricted} restricted, ${p.review} review)`).join('; ')}`,
  );
  for (const s of summary.stages) console.log(`  ${s.stage.padEnd(10)} ${secs(s.ms)}`);
  console.log(
    `  graph build ${secs(tGraph)} + store load ${secs(tStore)} (not part of the audit: the sync's work)`,
  );
  console.log(
    `audit total ${secs(tAudit)} (target < 300 s at scale 1), peak RSS ${mb(peak)}, scale ${scale}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
