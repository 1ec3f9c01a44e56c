// Property: whatever mix of partners' tenants reaches one partner's report, the builder either
// refuses (PartitionError, no folder) or writes a signed report holding none of the foreign ids.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Cloud } from '../src/adapter.ts';
import { buildPartnerReport } from '../src/report/build.ts';
import { PartitionError } from '../src/report/partition.ts';
import type { PartnerIds, ReportTenant } from '../src/report/types.ts';
import { verifyReport } from '../src/report/verify.ts';
import { awsTenant, reportInput, tempDir, testKey } from './report-fixtures.ts';

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const guid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((p) => p.join('-'));
const awsAccount = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 12 });
const gcpBilling = fc
  .tuple(hex(6), hex(6), hex(6))
  .map((p) => `billingAccounts/${p.join('-').toUpperCase()}`);

const idsFor = (cloud: Cloud): fc.Arbitrary<{ key: string; ids: PartnerIds }> =>
  cloud === 'aws'
    ? awsAccount.map((a) => ({ key: a, ids: { account: a } }))
    : cloud === 'gcp'
      ? fc.tuple(guid, gcpBilling).map(([a, b]) => ({ key: a, ids: { account: a, billingAccount: b } }))
      : fc.tuple(guid, guid).map(([t, s]) => ({ key: t, ids: { tenant: t, subscriptions: [s] } }));

interface Gen {
  cloud: Cloud;
  key: string;
  ids: PartnerIds;
  /** a foreign tenant whose partner field was mis-keyed to the report's partner */
  misKeyed: boolean;
  /** the name mentions another tenant's key (e.g. a reseller note) */
  mentionOther: boolean;
}

const tenantGen: fc.Arbitrary<Gen> = fc
  .constantFrom<Cloud>('aws', 'gcp', 'azure')
  .chain((cloud) =>
    fc.record({
      cloud: fc.constant(cloud),
      id: idsFor(cloud),
      misKeyed: fc.boolean(),
      mentionOther: fc.boolean(),
    }),
  )
  .map(({ cloud, id, misKeyed, mentionOther }) => ({
    cloud,
    key: id.key,
    ids: id.ids,
    misKeyed,
    mentionOther,
  }));

describe('partner isolation (property)', () => {
  it("never signs a report that holds another partner's id", async () => {
    const key = await testKey();
    const seen = { refused: 0, signed: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Cloud>('aws', 'gcp', 'azure'),
        fc.uniqueArray(tenantGen, { minLength: 1, maxLength: 6, selector: (g) => g.key }),
        async (partner, gens) => {
          const foreign = gens.filter((g) => g.cloud !== partner);
          const otherKeys = new Set<string>();
          for (const g of foreign) {
            otherKeys.add(g.key);
            for (const v of Object.values(g.ids).flat()) otherKeys.add(v as string);
          }
          const pick = (g: Gen) => g.cloud === partner || g.misKeyed;
          const rows: ReportTenant[] = gens
            .filter(pick)
            .map((g, i) =>
              awsTenant(g.key, {
                partner: g.misKeyed ? partner : g.cloud,
                tenantKey: g.key,
                partnerIds: g.ids,
                entityName:
                  g.mentionOther && foreign.length > 0
                    ? `Co via ${foreign[i % foreign.length]?.key}`
                    : `Co ${i}`,
              }),
            )
            .sort((a, b) => (a.tenantKey < b.tenantKey ? -1 : 1));
          const root = await tempDir();
          const dir = join(root, 'r');
          const expectRefusal = rows.some(
            (r) => otherKeys.has(r.tenantKey) || (r.entityName ?? '').startsWith('Co via'),
          );
          try {
            await buildPartnerReport(reportInput(partner, rows, { otherPartnerKeys: otherKeys }), {
              dir,
              signingKey: key,
            });
          } catch (err) {
            assert.ok(err instanceof PartitionError, String(err));
            assert.ok(expectRefusal, `refused a clean report: ${String(err)}`);
            assert.deepEqual(await readdir(root), [], 'a refused report leaves no folder');
            seen.refused++;
            return;
          }
          assert.ok(!expectRefusal, 'a report with a foreign id was signed');
          assert.ok((await verifyReport(dir, { publicKey: key.publicKey })).valid);
          for (const f of await readdir(dir)) {
            const text = await readFile(join(dir, f), 'utf8');
            for (const k of otherKeys) assert.ok(!text.includes(k), `${k} in ${f}`);
          }
          seen.signed++;
        },
      ),
      { numRuns: 60 },
    );
    // Both outcomes must have been exercised, or the property proved nothing.
    assert.ok(seen.refused > 0 && seen.signed > 0, JSON.stringify(seen));
  });
});
