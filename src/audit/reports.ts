// One partner's signed exception report, streamed from the exception rows this run decided.
import { join } from 'node:path';
import type { Cloud } from '../adapter.ts';
import type { Logger } from '../log.ts';
import type { LoadedPolicy } from '../policy/schema.ts';
import {
  buildPartnerReport,
  findLatestReport,
  readPreviousReport,
  removeStaleTemp,
  type BuildResult,
  type ReportTenant,
  type SigningKey,
  type SnapshotRef,
} from '../report/index.ts';
import type { Db } from '../store/index.ts';

export interface PartnerReportArgs {
  db: Db;
  runId: string;
  partner: Cloud;
  reportsDir: string;
  signingKey: SigningKey;
  policy: LoadedPolicy;
  asOf: string;
  period: { start: string; end: string };
  generatedAt: string;
  snapshots: SnapshotRef[];
  logger: Logger;
  /** the run's exception rows for this partner, in code-unit key order */
  tenants: AsyncIterable<ReportTenant>;
}

/** Every key and account id of the other partners: none may appear in this partner's files. */
async function otherPartnerKeys(db: Db, partner: Cloud): Promise<Set<string>> {
  // one JSON array rather than a row per key: hundreds of thousands of keys leave the store at once
  const { rows } = await db.query<{ keys: string | null }>(
    `SELECT json_agg(k)::text AS keys FROM (
       SELECT tenant_key AS k FROM tenants WHERE partner <> $1
       UNION SELECT jsonb_array_elements_text(account_ids) FROM tenants WHERE partner <> $1) u`,
    [partner],
  );
  const keys = JSON.parse(rows[0]?.keys ?? '[]') as string[];
  return new Set(keys.filter((k) => k.length >= 6));
}

export async function writePartnerReport(args: PartnerReportArgs): Promise<BuildResult> {
  const partnerDir = join(args.reportsDir, args.partner);
  await removeStaleTemp(partnerDir, args.logger);
  const latest = await findLatestReport(partnerDir, { excludeRun: args.runId });
  const previousReport = latest
    ? await readPreviousReport(latest, { publicKey: args.signingKey.publicKey })
    : undefined;
  return buildPartnerReport(
    {
      partner: args.partner,
      runId: args.runId,
      generatedAt: args.generatedAt,
      asOf: args.asOf,
      period: args.period,
      policy: args.policy.ref,
      policyRules: args.policy.policy,
      snapshots: args.snapshots,
      ...(previousReport ? { previousReport } : {}),
      otherPartnerKeys: await otherPartnerKeys(args.db, args.partner),
      tenants: args.tenants,
    },
    { dir: join(partnerDir, args.runId), signingKey: args.signingKey, logger: args.logger },
  );
}
