// Ownership files -> the graph in force at a date, with record issues carried into the decisions
// they bear on. Shared by `evaluate`, `explain` and `audit`.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  createGraphBuilder,
  evaluate,
  prepareEvaluation,
  type Decision,
  type PreparedEvaluation,
  type OwnershipGraph,
} from '../evaluator/index.ts';
import { affectedIds, isWarning } from '../ingest/issues.ts';
import { readOwnership, type OwnershipFormat } from '../ingest/read.ts';
import type { RecordIssue } from '../model/types.ts';
import type { LoadedPolicy } from '../policy/schema.ts';

/** The reason a decision carries when a refused record bears on it. */
export const INPUT_ISSUE = 'input-issue';

/** Issues kept in memory (all are passed to `onIssue`); past this the input is broken beyond one record. */
const MAX_KEPT_ISSUES = 10_000;

export interface LoadOwnershipOptions {
  files: readonly string[];
  format?: OwnershipFormat;
  asOf: string;
  /** every issue, warnings included, as it is met */
  onIssue?: (issue: RecordIssue) => void;
}

export interface LoadedOwnership {
  graph: OwnershipGraph;
  /** ids a refused record bears on (directly) */
  affected: Set<string>;
  /** the error issues met (the first MAX_KEPT_ISSUES) */
  issues: RecordIssue[];
  warnings: number;
  /** refused records that could not be tied to any party */
  unattributed: number;
  statements: number;
}

export async function loadOwnership(options: LoadOwnershipOptions): Promise<LoadedOwnership> {
  const builder = createGraphBuilder();
  const affected = new Set<string>();
  const issues: RecordIssue[] = [];
  let warnings = 0;
  let unattributed = 0;
  let statements = 0;
  for await (const item of readOwnership(options.files, options.format ? { format: options.format } : {})) {
    if (item.kind === 'statement') {
      builder.add(item.statement);
      statements++;
      continue;
    }
    options.onIssue?.(item.issue);
    if (isWarning(item.issue)) {
      warnings++;
      continue;
    }
    if (issues.length < MAX_KEPT_ISSUES) issues.push(item.issue);
    const ids = affectedIds(item.issue);
    if (ids === undefined) unattributed++;
    for (const id of ids ?? []) affected.add(id);
  }
  return { graph: builder.build(options.asOf), affected, issues, warnings, unattributed, statements };
}

/** Parties below `start` in the graph (subjects held, directly or not, by them), `start` included. */
function downstream(graph: OwnershipGraph, start: Set<string>): Set<string> {
  const held = new Map<string, string[]>();
  for (const subject of graph.entityIds()) {
    for (const h of graph.holdersOf(subject)) {
      if (typeof h.holder !== 'string') continue;
      const list = held.get(h.holder);
      if (list === undefined) held.set(h.holder, [subject]);
      else list.push(subject);
    }
  }
  const seen = new Set(start);
  const queue = [...start];
  while (queue.length > 0) {
    for (const s of held.get(queue.pop()!) ?? []) {
      if (!seen.has(s)) {
        seen.add(s);
        queue.push(s);
      }
    }
  }
  return seen;
}

/**
 * A refused record must never make a company look cleaner: the decisions it bears on, and those
 * of everything they hold, are at least `review` and carry the reason `input-issue`.
 */
export function markAffected(decisions: Decision[], tainted: ReadonlySet<string>): Decision[] {
  if (tainted.size === 0) return decisions;
  return decisions.map((d) =>
    tainted.has(d.id)
      ? {
          ...d,
          decision: d.decision === 'allowed' ? 'review' : d.decision,
          reasons: d.reasons.includes(INPUT_ISSUE) ? d.reasons : [...d.reasons, INPUT_ISSUE],
        }
      : d,
  );
}

const taintedCache = new WeakMap<LoadedOwnership, Set<string>>();

/** Everything a refused record bears on, directly or through the chain (computed once per load). */
export function taintedIds(loaded: LoadedOwnership): Set<string> {
  let t = taintedCache.get(loaded);
  if (t === undefined) {
    t = loaded.affected.size === 0 ? new Set() : downstream(loaded.graph, new Set(loaded.affected));
    taintedCache.set(loaded, t);
  }
  return t;
}

/** Evaluates `ids` (default: every entity) and marks the decisions refused records bear on. */
export function decide(loaded: LoadedOwnership, policy: LoadedPolicy, ids?: readonly string[]): Decision[] {
  const decisions = evaluate(loaded.graph, policy, ids !== undefined ? { ids } : {});
  return markAffected(decisions, taintedIds(loaded));
}

/** `decide` for many small requests: the graph is solved once (see prepareEvaluation); close it after. */
export type PreparedDecisions = PreparedEvaluation;

export function prepareDecisions(loaded: LoadedOwnership, policy: LoadedPolicy): PreparedDecisions {
  const prepared = prepareEvaluation(loaded.graph, policy);
  const tainted = taintedIds(loaded);
  return {
    decide: (ids) => markAffected(prepared.decide(ids), tainted),
    close: () => prepared.close(),
  };
}

/** sha256 of a file's bytes, streamed: the data snapshot a decision was made on. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
