// The audit: sync -> resolve -> evaluate -> report, for every partner, in one run.
// Crash-only: a run that dies stays `running` and is marked `abandoned` by the next one; the sync
// resumes from its committed cursors, decisions are recomputed, and a report folder appears only
// whole (written aside, then renamed).
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CLOUDS, type Cloud } from '../adapter.ts';
import { fileSha256, loadOwnership, prepareDecisions, type PreparedDecisions } from '../ownership/load.ts';
import type { SigningKey, SnapshotRef } from '../report/index.ts';
import {
  buildEntityIndexInThread,
  createMatcherPool,
  type EntityIndex,
  type MatcherPool,
} from '../resolve/index.ts';
import { closeStaleReviewItems, loadDeterminations } from '../review/index.ts';
import { refreshStatistics } from '../store/index.ts';
import { DEFAULT_AUDIT_BATCH_SIZE } from '../config/schema.ts';
import { runSync } from '../sync/run-sync.ts';
import { decidePartner } from './decide-partner.ts';
import { ExceptionSpill } from './exception-spill.ts';
import { compareRuns, previousRun } from './delta.ts';
import { partnerFreshness, type Freshness } from './freshness.ts';
import { writePartnerReport } from './reports.ts';
import type { AuditOptions, AuditStatus, AuditSummary, PartnerSummary } from './types.ts';

const MAX_LOGGED_ISSUES = 20;
/** chunks of 4,096 parties queued for the index builder before the graph is solved (~1.3M parties) */
const INDEX_AHEAD_CHUNKS = 320;

function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export async function runAudit(o: AuditOptions): Promise<AuditSummary> {
  const started = o.clock();
  const t0 = performance.now();
  const runId = newRunId(started);
  const stages: AuditSummary['stages'] = [];
  const stage = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    o.onStage?.(name);
    const s = performance.now();
    const out = await fn();
    stages.push({ stage: name, ms: Math.round(performance.now() - s) });
    return out;
  };
  const log = o.logger.child({ run: runId });

  // The signing keys first: without one no report can be written, so fail before any sync or decide work.
  const keys = new Map<Cloud, SigningKey>();
  for (const partner of o.partners) keys.set(partner, await o.signingKey(partner));
  const hashes = await Promise.all(o.ownershipFiles.map((f) => fileSha256(f)));
  const ownershipSha256 = createHash('sha256').update(hashes.join('\n')).digest('hex');
  await o.db.query(`UPDATE audit_runs SET status = 'abandoned', finished_at = $1 WHERE status = 'running'`, [
    started.toISOString(),
  ]);
  await o.db.query(
    `INSERT INTO audit_runs (run_id, started_at, status, as_of, policy_id, policy_version, policy_sha256, ownership_sha256)
     VALUES ($1, $2, 'running', $3, $4, $5, $6, $7)`,
    [
      runId,
      started.toISOString(),
      o.asOf,
      o.policy.ref.id,
      o.policy.ref.version,
      o.policy.ref.sha256,
      ownershipSha256,
    ],
  );
  const finish = async (status: string, summary?: AuditSummary) =>
    o.db.query('UPDATE audit_runs SET status = $2, finished_at = $3, summary = $4 WHERE run_id = $1', [
      runId,
      status,
      o.clock().toISOString(),
      summary ? JSON.stringify(summary) : null,
    ]);

  const spills = new Map<Cloud, ExceptionSpill>();
  let matcher: MatcherPool | undefined;
  let decisions: PreparedDecisions | undefined;
  // stops the index builder when the run fails while it still works
  const building = new AbortController();
  try {
    const sync = o.adapters
      ? await stage('sync', () =>
          runSync({ adapters: o.adapters!, store: o.db, logger: log, clock: o.clock, window: o.period }),
        )
      : undefined;
    let logged = 0;
    const loaded = await stage('ownership', () =>
      o.ownership
        ? o.ownership
        : loadOwnership({
            files: o.ownershipFiles,
            ...(o.ownershipFormat ? { format: o.ownershipFormat } : {}),
            asOf: o.asOf,
            onIssue: (issue) => {
              if (++logged <= MAX_LOGGED_ISSUES)
                log.warn('ownership record refused', {
                  file: issue.source.file,
                  line: issue.source.line,
                  reason: issue.reason,
                });
            },
          }),
    );
    // Fresh planner statistics (see refreshStatistics), gathered while the index is built.
    const analysed = refreshStatistics(o.db).then(
      () => undefined,
      (err: unknown) =>
        log.warn('planner statistics not refreshed', {
          error: err instanceof Error ? err.message : String(err),
        }),
    );
    // Built on a thread of its own: the graph is read here while names are normalised there. The
    // first chunks (about 10 s of the builder's work on a 10M-party graph) are queued before the
    // graph is solved on this thread, so the two run side by side; the index stage is what is left
    // to wait for after the solve. (The statistics statement reaches the database thread at the
    // first wait.)
    let queued!: () => void;
    const filled = new Promise<void>((resolve) => (queued = resolve));
    o.onStage?.('index');
    const indexStart = performance.now();
    const indexing = buildEntityIndexInThread(loaded.graph, {
      ahead: INDEX_AHEAD_CHUNKS,
      onQueued: queued,
      signal: building.signal,
    });
    indexing.catch(() => {}); // awaited below; a failure meanwhile is not unhandled
    await Promise.race([filled, indexing]);
    // the whole graph solved once; every batch reads its entities' decisions from it
    o.onStage?.('evaluate');
    const solveStart = performance.now();
    const prepared = prepareDecisions(loaded, o.policy);
    decisions = prepared;
    const solveMs = performance.now() - solveStart;
    const index: EntityIndex = await indexing;
    // the index stage is the time spent on the index that the solve did not cover
    stages.push(
      { stage: 'index', ms: Math.round(performance.now() - indexStart - solveMs) },
      { stage: 'evaluate', ms: Math.round(solveMs) },
    );
    // matcher threads attach to the index (shared, not copied) while the rest is read
    const pool = createMatcherPool(index);
    matcher = pool;
    await analysed;
    const determinations = await loadDeterminations(o.db);
    const now = o.clock();
    const freshness = new Map<Cloud, Freshness>();
    for (const partner of o.partners)
      freshness.set(partner, await partnerFreshness(o.db, partner, o.maxAgeHours[partner], now));

    const partners: PartnerSummary[] = [];
    await stage('decide', async () => {
      for (const partner of o.partners) {
        const f = freshness.get(partner)!;
        for (const p of f.problems) log.warn('source problem', { partner, problem: p });
        const exceptions = await ExceptionSpill.create(join(o.reportsDir, partner), runId);
        spills.set(partner, exceptions);
        const r = await decidePartner({
          db: o.db,
          runId,
          partner,
          loaded,
          decisions: prepared,
          index,
          matcher: pool,
          determinations,
          now: now.toISOString(),
          period: o.period,
          stale: f.stale,
          logger: log,
          batchSize: o.batchSize ?? DEFAULT_AUDIT_BATCH_SIZE,
          exceptions,
        });
        await exceptions.close();
        partners.push({
          partner,
          tenants: r.tenants,
          restricted: r.restricted,
          review: r.review,
          allowed: r.allowed,
          unresolved: r.unresolved,
          stale: f.stale,
          complete: f.complete,
        });
      }
    });

    // Items no tenant raised in a full run are settled: close them (a partial run cannot tell).
    if (CLOUDS.every((c) => o.partners.includes(c)))
      await closeStaleReviewItems(o.db, { at: now.toISOString(), actor: 'channelguard-audit', runId });

    const summary: AuditSummary = {
      runId,
      status: 'ok',
      asOf: o.asOf,
      policy: o.policy.ref,
      ownership: {
        files: o.ownershipFiles.length,
        statements: loaded.statements,
        issues: loaded.issues.length,
        sha256: ownershipSha256,
      },
      ...(sync
        ? {
            sync: {
              runId: sync.runId,
              status: sync.status,
              durationMs: sync.durationMs,
              clouds: sync.clouds,
              failures: sync.failures,
            },
          }
        : {}),
      partners,
      stages,
      durationMs: 0,
    };

    const previous = await previousRun(o.db, runId);
    if (previous !== undefined) {
      summary.delta = await compareRuns(o.db, runId, previous, o.deltaGuardShare);
      if (summary.delta.blocked && !o.acceptDelta) {
        log.error('delta guard: too many decisions changed since the last run; no report written', {
          ...summary.delta,
        });
        summary.status = 'blocked-delta';
        for (const p of partners) p.withheld = 'delta guard: re-run with --accept-delta after review';
        summary.durationMs = Math.round(performance.now() - t0);
        await finish('blocked-delta', summary);
        return summary;
      }
    }

    const ownershipSnapshots: SnapshotRef[] = await Promise.all(
      o.ownershipFiles.map(async (f, i) => ({
        source: `ownership:${basename(f)}`,
        retrievedAt: (await stat(f)).mtime.toISOString(),
        sha256: hashes[i]!,
        complete: loaded.issues.length === 0,
      })),
    );
    await stage('report', async () => {
      // the partners' reports are written side by side: one's file writes and store reads overlap
      // another's rows (each report reads only its own partner's rows and keys). All settle before
      // a failure is thrown, so none is still reading a spill file when the run cleans up.
      const written = await Promise.allSettled(
        partners.map(async (p) => {
          const f = freshness.get(p.partner)!;
          if (f.stale) {
            p.withheld = `stale sources: ${f.problems.join('; ')}`;
            return;
          }
          const built = await writePartnerReport({
            db: o.db,
            tenants: spills.get(p.partner)!.rows(),
            runId,
            partner: p.partner,
            reportsDir: o.reportsDir,
            signingKey: keys.get(p.partner)!,
            policy: o.policy,
            asOf: o.asOf,
            period: o.period,
            generatedAt: now.toISOString(),
            snapshots: [...f.snapshots, ...ownershipSnapshots],
            logger: log,
          });
          p.report = { dir: built.dir, manifestSha256: built.manifestDigest, counts: built.counts };
        }),
      );
      for (const w of written) if (w.status === 'rejected') throw w.reason;
    });
    summary.status = statusOf(partners, sync?.status);
    summary.durationMs = Math.round(performance.now() - t0);
    await finish(summary.status, summary);
    return summary;
  } catch (err) {
    await finish('failed').catch(() => {});
    throw err;
  } finally {
    building.abort(new Error('the audit stopped'));
    decisions?.close();
    await matcher?.close();
    for (const spill of spills.values()) await spill.remove().catch(() => {});
  }
}

function statusOf(partners: readonly PartnerSummary[], sync: string | undefined): AuditStatus {
  if (partners.some((p) => p.stale)) return 'stale';
  if (partners.some((p) => !p.complete) || (sync !== undefined && sync !== 'ok')) return 'partial';
  return 'ok';
}
