// What a reader says about a record it could not read as is, beyond the model's RecordIssue:
// which decisions it may change, and whether it is only a warning.
import type { IngestItem, RecordIssue, SourceRef } from '../model/types.ts';

export interface IngestIssue extends RecordIssue {
  /**
   * Record ids whose decisions this issue may change (the refused party, or the subject of a
   * refused relationship); absent when the record could not be read far enough to tell.
   */
  affects?: string[];
  /** 'warning': the record was read (or deliberately ignored) and no decision gets cleaner for it */
  severity?: 'error' | 'warning';
}

export function issueItem(
  source: SourceRef,
  reason: string,
  extra: {
    record?: string | undefined;
    field?: string | undefined;
    affects?: string[];
    severity?: 'warning';
  } = {},
): IngestItem {
  const issue: IngestIssue = { source, reason };
  if (extra.record !== undefined) issue.record = extra.record;
  if (extra.field !== undefined) issue.field = extra.field;
  if (extra.affects !== undefined && extra.affects.length > 0) issue.affects = extra.affects;
  issue.severity = extra.severity ?? 'error';
  return { kind: 'issue', issue };
}

/** The record ids an issue may change, as far as the reader could tell. */
export function affectedIds(issue: RecordIssue): string[] | undefined {
  return (issue as IngestIssue).affects;
}

export function isWarning(issue: RecordIssue): boolean {
  return (issue as IngestIssue).severity === 'warning';
}

const RECORD_ID = /"recordId"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const SUBJECT = /"subject"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const RECORD_TYPE = /"recordType"\s*:\s*"(\w+)"/;

/**
 * Best effort on a BODS statement too broken to parse: the subject of a relationship, or the
 * party's own record id, so the decision it may change can still be marked.
 */
export function affectedByBrokenBods(text: string): string[] | undefined {
  const type = RECORD_TYPE.exec(text)?.[1];
  const id = type === 'relationship' ? SUBJECT.exec(text)?.[1] : RECORD_ID.exec(text)?.[1];
  return id !== undefined ? [id] : undefined;
}
