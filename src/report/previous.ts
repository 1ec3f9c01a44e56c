// The previous report of a partner: verified before use (its digest becomes the next report's
// previous link, its tenants the base of new / unchanged / changed / resolved).
import type { KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportError } from '../errors.ts';
import { MANIFEST } from './sign.ts';
import type { PartnerIds, PreviousEntry, PreviousReport, ReportManifest } from './types.ts';
import { verifyReport } from './verify.ts';

interface JsonTenant {
  tenantKey: string;
  partnerIds: PartnerIds;
  entityId: string | null;
  entityName: string | null;
  decision: 'restricted' | 'review' | null;
  firstFlaggedAt: string;
}

/** Verifies `dir` with `publicKey` and reads its flagged tenants. Throws ReportError if it does not verify. */
export async function readPreviousReport(
  dir: string,
  options: { publicKey: KeyObject },
): Promise<PreviousReport & { manifest: ReportManifest }> {
  const result = await verifyReport(dir, { publicKey: options.publicKey });
  if (!result.valid || !result.manifest || !result.manifestDigest)
    throw new ReportError(`the previous report ${dir} does not verify: ${result.problems.join('; ')}`);
  let doc: { tenants?: JsonTenant[] };
  try {
    doc = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { tenants?: JsonTenant[] };
  } catch (err) {
    throw new ReportError(`the previous report ${dir} has no readable report.json`, { cause: err });
  }
  const entries = new Map<string, PreviousEntry>();
  for (const t of doc.tenants ?? []) {
    if (t.decision === null) continue;
    entries.set(t.tenantKey, {
      tenantKey: t.tenantKey,
      partnerIds: t.partnerIds,
      decision: t.decision,
      ...(t.entityId !== null ? { entityId: t.entityId } : {}),
      ...(t.entityName !== null ? { entityName: t.entityName } : {}),
      firstFlaggedAt: t.firstFlaggedAt,
    });
  }
  return { digest: result.manifestDigest, entries, manifest: result.manifest };
}

/**
 * The latest complete report folder directly under `partnerDir` (one folder per run), by the
 * manifest's generatedAt then run id; temporary folders and folders without a manifest are
 * skipped. Undefined when there is none.
 */
export async function findLatestReport(
  partnerDir: string,
  options: { excludeRun?: string } = {},
): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(partnerDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ReportError(`cannot list report folder ${partnerDir}`, { cause: err });
  }
  let best: { dir: string; key: string } | undefined;
  for (const name of names) {
    if (name.includes('.tmp-')) continue;
    let manifest: Partial<ReportManifest>;
    try {
      manifest = JSON.parse(
        await readFile(join(partnerDir, name, MANIFEST), 'utf8'),
      ) as Partial<ReportManifest>;
    } catch {
      continue;
    }
    if (typeof manifest.generatedAt !== 'string' || typeof manifest.run !== 'string') continue;
    if (manifest.run === options.excludeRun) continue;
    const key = `${manifest.generatedAt}\u0000${manifest.run}`;
    if (!best || key > best.key) best = { dir: join(partnerDir, name), key };
  }
  return best?.dir;
}
