// Builds one partner's signed exception report folder: report.csv, report.json, report.html,
// manifest.json (canonical JSON listing every file), manifest.sig and manifest.dsse.json.
// Streams the tenants through all three writers; nothing is signed unless every row passed the
// partner-isolation checks, and nothing but a complete, signed folder ever appears at `dir`.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { ChannelguardError, errorMessage, ReportError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { csvHeader, csvRow } from './csv.ts';
import { htmlHead, htmlRow, htmlTail } from './html.ts';
import { jsonBetween, jsonHead, jsonRow, jsonTail } from './json.ts';
import type { SigningKey } from './keys.ts';
import { reportMeta, type ReportMeta } from './meta.ts';
import { checkRowIds, KeyScanner, PartitionError } from './partition.ts';
import { resolvedRow, rowStrings, toRow, type ReportRow } from './rows.ts';
import { DSSE, MANIFEST, SIGNATURE, dsseEnvelope, signatureFile } from './sign.ts';
import type { BuildResult, ManifestFile, PartnerReportInput, ReportCounts, ReportManifest } from './types.ts';
import { FileSink, startTempDir, writeWhole } from './write.ts';

export interface BuildOptions {
  /** the final report folder (must not exist); written as a temporary sibling, then renamed */
  dir: string;
  signingKey: SigningKey;
  logger?: Logger;
}

function emptyCounts(): ReportCounts {
  return {
    tenants: 0,
    restricted: 0,
    review: 0,
    new: 0,
    unchanged: 0,
    changed: 0,
    resolved: 0,
    enforcementGaps: 0,
    possibleEnforcementGaps: 0,
  };
}

function count(c: ReportCounts, row: ReportRow): void {
  if (row.change === 'resolved') {
    c.resolved++;
    return;
  }
  c.tenants++;
  if (row.decision === 'restricted') c.restricted++;
  if (row.decision === 'review') c.review++;
  c[row.change]++;
  if (row.enforcementGap === 'yes') c.enforcementGaps++;
  if (row.enforcementGap === 'possible') c.possibleEnforcementGaps++;
}

/** The three report files, written side by side, each text checked for foreign keys first. */
class ReportWriters {
  private first = true;
  private index = 0;
  constructor(
    private readonly csv: FileSink,
    private readonly json: FileSink,
    private readonly html: FileSink,
    private readonly meta: ReportMeta,
    private readonly guard: (texts: string[]) => void,
  ) {}

  async head(): Promise<void> {
    const texts = [csvHeader(), jsonHead(this.meta), htmlHead(this.meta)];
    this.guard(texts);
    await Promise.all([
      this.csv.write(texts[0] as string),
      this.json.write(texts[1] as string),
      this.html.write(texts[2] as string),
    ]);
  }

  async row(row: ReportRow): Promise<void> {
    this.guard(rowStrings(row));
    const texts = [csvRow(row, this.meta), jsonRow(row, this.first), htmlRow(row, this.index++)];
    this.guard(texts);
    this.first = false;
    await Promise.all([
      this.csv.write(texts[0] as string),
      this.json.write(texts[1] as string),
      this.html.write(texts[2] as string),
    ]);
  }

  async startResolved(): Promise<void> {
    this.first = true;
    await this.json.write(jsonBetween());
  }

  async tail(counts: ReportCounts): Promise<ManifestFile[]> {
    const texts = [jsonTail(counts), htmlTail(counts)];
    this.guard(texts);
    await Promise.all([this.json.write(texts[0] as string), this.html.write(texts[1] as string)]);
    return Promise.all([this.csv.close(), this.json.close(), this.html.close()]);
  }

  async abort(): Promise<void> {
    await Promise.all([this.csv.abort(), this.json.abort(), this.html.abort()]);
  }
}

export async function buildPartnerReport(
  input: PartnerReportInput,
  options: BuildOptions,
): Promise<BuildResult> {
  const logger = (options.logger ?? silentLogger).child({ partner: input.partner, run: input.runId });
  const meta = reportMeta(input);
  const scanner = new KeyScanner(input.otherPartnerKeys);
  const guard = (texts: string[]) => {
    if (scanner.empty) return;
    const found = new Set<string>();
    for (const t of texts) for (const k of scanner.find(t)) found.add(k);
    if (found.size > 0)
      throw new PartitionError(
        input.partner,
        [...found].sort(),
        "another partner's tenant keys appear in the report",
      );
  };
  const tmp = await startTempDir(options.dir, logger);
  let writers: ReportWriters | undefined;
  try {
    writers = new ReportWriters(
      await FileSink.create(tmp.path, 'report.csv'),
      await FileSink.create(tmp.path, 'report.json'),
      await FileSink.create(tmp.path, 'report.html'),
      meta,
      guard,
    );
    await writers.head();
    const counts = emptyCounts();
    const unworded = new Set<string>();
    const seen = new Set<string>();
    const previous = input.previousReport?.entries ?? new Map();
    let last: string | undefined;
    for await (const tenant of input.tenants) {
      const bad = checkRowIds(input.partner, tenant, input.otherPartnerKeys);
      if (bad.length > 0)
        throw new PartitionError(input.partner, bad, "rows carry ids that are not this partner's");
      if (last !== undefined && !(tenant.tenantKey > last))
        throw new ReportError(
          `tenants must arrive sorted by tenantKey without duplicates (code-unit order): ${tenant.tenantKey} came after ${last}`,
        );
      last = tenant.tenantKey;
      seen.add(tenant.tenantKey);
      const row = toRow(tenant, {
        rules: input.policyRules,
        periodEnd: input.period.end,
        previous: previous.get(tenant.tenantKey),
        unworded,
      });
      count(counts, row);
      await writers.row(row);
    }
    await writers.startResolved();
    const resolvedKeys = [...previous.keys()].filter((k) => !seen.has(k)).sort();
    for (const key of resolvedKeys) {
      const entry = previous.get(key);
      if (!entry) continue;
      const bad = checkRowIds(input.partner, { partner: input.partner, ...entry }, input.otherPartnerKeys);
      if (bad.length > 0)
        throw new PartitionError(
          input.partner,
          bad,
          "the previous report carries ids that are not this partner's",
        );
      const row = resolvedRow(entry);
      count(counts, row);
      await writers.row(row);
    }
    const files = await writers.tail(counts);
    writers = undefined;
    const manifest: ReportManifest = {
      schemaVersion: '1.0',
      kind: 'channelguard-report-manifest',
      partner: input.partner,
      run: input.runId,
      generatedAt: input.generatedAt,
      asOf: input.asOf,
      policy: { id: input.policy.id, version: input.policy.version, sha256: input.policy.sha256 },
      previousManifestSha256: meta.previousManifestSha256,
      files: files.sort((a, b) => (a.name < b.name ? -1 : 1)),
      signer: { algorithm: 'Ed25519', keyId: options.signingKey.keyId },
      counts,
      dataComplete: meta.dataComplete,
    };
    const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
    await writeWhole(tmp.path, MANIFEST, manifestBytes);
    await writeWhole(tmp.path, SIGNATURE, signatureFile(manifestBytes, options.signingKey.privateKey));
    await writeWhole(
      tmp.path,
      DSSE,
      dsseEnvelope(manifestBytes, options.signingKey.privateKey, options.signingKey.keyId),
    );
    await tmp.commit();
    const manifestDigest = createHash('sha256').update(manifestBytes).digest('hex');
    if (!meta.dataComplete)
      logger.warn('report built from incomplete data', { incompleteSources: meta.incompleteSources });
    if (unworded.size > 0)
      logger.warn('reason codes without wording shown verbatim', { codes: [...unworded].sort() });
    logger.info('partner report written', { dir: options.dir, manifestSha256: manifestDigest, ...counts });
    return {
      dir: options.dir,
      manifestDigest,
      counts,
      dataComplete: meta.dataComplete,
      unwordedReasonCodes: [...unworded].sort(),
    };
  } catch (err) {
    await writers?.abort();
    await tmp.discard();
    if (err instanceof PartitionError)
      logger.error('partner isolation failed: nothing was signed', { offendingIds: err.offending });
    if (err instanceof ChannelguardError) throw err;
    throw new ReportError(`writing the report ${options.dir} failed: ${errorMessage(err)}`, { cause: err });
  }
}
