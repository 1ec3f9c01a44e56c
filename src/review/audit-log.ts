// The append-only, hash-chained audit log (table audit_log, migration 101). Every change of
// outcome — decisions that change between runs, determinations, lapses — is appended here.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { StoreError } from '../errors.ts';
import type { Db } from '../store/db.ts';

export const GENESIS_HASH = '0'.repeat(64);
/** advisory-lock key ("cgal"): appends from concurrent processes are serialised */
const AUDIT_LOCK_KEY = 0x6367616c;

export interface AuditEntry {
  /** ISO-8601 UTC */
  at: string;
  /** reviewer name, "channelguard audit", … */
  actor: string;
  /** "outcome.changed", "determination.recorded", "determination.pending", "determination.lapsed", … */
  action: string;
  /** "aws:123456789012", "entity:<id>", "determination:12" */
  subject: string;
  payload: unknown;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  /** canonical JSON text */
  payload: string;
  prevHash: string;
  hash: string;
}

/**
 * sha256(prev_hash || canonical row), hex. Pure: verify and append share it. `payload` is stored
 * as canonical JSON text, so the canonical row is assembled around it with the keys in their
 * RFC 8785 order (action, actor, at, payload, seq, subject); a payload that is not canonical text
 * (a tampered row) cannot reproduce its hash.
 */
export function hashAuditRow(
  prevHash: string,
  row: { seq: number; at: string; actor: string; action: string; subject: string; payload: string },
): string {
  const canonical = `{"action":${JSON.stringify(row.action)},"actor":${JSON.stringify(row.actor)},"at":${JSON.stringify(row.at)},"payload":${row.payload},"seq":${canonicalJson(row.seq)},"subject":${JSON.stringify(row.subject)}}`;
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/** Appends entries in order, in one transaction, chained onto the current head. */
export async function appendAudit(db: Db, entries: readonly AuditEntry[]): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
    const head = await tx.query<{ seq: string | number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    let seq = head.rows[0] ? Number(head.rows[0].seq) : 0;
    let prevHash = head.rows[0]?.hash ?? GENESIS_HASH;
    const rows: AuditRow[] = [];
    for (const e of entries) {
      seq += 1;
      const payload = canonicalJson(e.payload ?? null);
      const base = { seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, payload };
      const hash = hashAuditRow(prevHash, base);
      rows.push({ ...base, prevHash, hash });
      prevHash = hash;
    }
    // column arrays: one statement for any number of rows (no 65,535-parameter limit)
    await tx.query(
      `INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
      [
        rows.map((r) => r.seq),
        rows.map((r) => r.at),
        rows.map((r) => r.actor),
        rows.map((r) => r.action),
        rows.map((r) => r.subject),
        rows.map((r) => r.payload),
        rows.map((r) => r.prevHash),
        rows.map((r) => r.hash),
      ],
    );
    return rows;
  });
}

export type AuditVerification =
  | { ok: true; count: number; head?: { seq: number; hash: string } }
  | { ok: false; count: number; firstBadSeq: number; reason: string };

/** Recomputes the whole chain in seq order, a page at a time; names the first bad row. */
export async function verifyAuditLog(
  db: Db,
  options: { pageSize?: number; anchors?: ReadonlyArray<{ seq: number; hash: string }> } = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 5000;
  const anchors = new Map((options.anchors ?? []).map((a) => [a.seq, a.hash.toLowerCase()]));
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const { rows } = await db.query<AuditLogRow>(
      'SELECT seq, at, actor, action, subject, payload, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
      [expectedSeq, pageSize],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq)
        return { ok: false, count, firstBadSeq: expectedSeq, reason: `row ${expectedSeq} is missing` };
      if (r.prev_hash !== prevHash)
        return { ok: false, count, firstBadSeq: seq, reason: 'prev_hash does not match the previous row' };
      let recomputed: string;
      try {
        recomputed = hashAuditRow(prevHash, { ...r, seq });
      } catch (err) {
        if (err instanceof SyntaxError)
          return { ok: false, count, firstBadSeq: seq, reason: 'payload is not JSON' };
        throw new StoreError(`cannot verify audit row ${seq}`, { cause: err });
      }
      if (recomputed !== r.hash)
        return { ok: false, count, firstBadSeq: seq, reason: 'hash does not match the row contents' };
      const anchored = anchors.get(seq);
      if (anchored !== undefined && anchored !== r.hash)
        return { ok: false, count, firstBadSeq: seq, reason: 'hash differs from the anchored head' };
      prevHash = r.hash;
      expectedSeq = seq + 1;
      count++;
    }
    if (rows.length < pageSize) break;
  }
  const beyond = [...anchors.keys()].filter((seq) => seq >= expectedSeq).sort((a, b) => a - b)[0];
  if (beyond !== undefined)
    return { ok: false, count, firstBadSeq: beyond, reason: `anchored row ${beyond} is missing` };
  return count === 0
    ? { ok: true, count }
    : { ok: true, count, head: { seq: expectedSeq - 1, hash: prevHash } };
}

/** The newest row's seq and hash: publish it elsewhere to anchor the chain. */
export async function auditHead(db: Db): Promise<{ seq: number; hash: string } | undefined> {
  const { rows } = await db.query<{ seq: string | number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
}

/** An audit_log row as the database returns it (seq may come back as text). */
interface AuditLogRow {
  seq: string | number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** Rows for one subject (review show), oldest first. */
export async function auditRowsFor(db: Db, subject: string, limit = 200): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditLogRow>(
    'SELECT * FROM audit_log WHERE subject = $1 ORDER BY seq LIMIT $2',
    [subject, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    payload: r.payload,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
