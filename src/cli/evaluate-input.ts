// The input side shared by `evaluate` and `explain`: flags -> policy, ownership graph, decisions,
// with record issues printed as they are met and carried into the decisions they bear on.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import { createGraphBuilder, evaluate, type Decision, type OwnershipGraph } from '../evaluator/index.ts';
import { affectedIds, isWarning } from '../ingest/issues.ts';
import { OWNERSHIP_FORMATS, readOwnership, type OwnershipFormat } from '../ingest/read.ts';
import type { RecordIssue } from '../model/types.ts';
import { loadPolicy } from '../policy/load.ts';
import type { LoadedPolicy } from '../policy/schema.ts';
import type { CliIo } from './io.ts';

export interface InputFlags {
  ownership: string[];
  ownershipFormat?: OwnershipFormat;
  policy?: string;
  asOf?: string;
}

/** Warnings past this many are counted, not printed (a GLEIF file can carry thousands). */
const MAX_PRINTED_WARNINGS = 20;

/** Issues kept for `explain` (all are printed); past this the input is broken beyond one record. */
const MAX_KEPT_ISSUES = 10_000;

/** The reason a decision carries when a refused record bears on it. */
export const INPUT_ISSUE = 'input-issue';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the input flags to a command (evaluate, explain). */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      '--ownership <file>',
      'ownership data: BODS 0.4, GLEIF golden copy or channelguard CSV (repeatable)',
      collect,
    )
    .addOption(
      new Option(
        '--ownership-format <format>',
        'skip detection: the format of every --ownership file',
      ).choices(OWNERSHIP_FORMATS),
    )
    .option('--policy <file>', 'policy file (YAML or JSON); default: the shipped policy')
    .option('--as-of <date>', 'decide as of this date, YYYY-MM-DD (default: today, UTC)');
}

function checkDate(value: string): string {
  const time = Date.parse(`${value}T00:00:00Z`);
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(time) &&
    new Date(time).toISOString().startsWith(value);
  if (!ok) throw new UsageError(`--as-of ${JSON.stringify(value)}: expected a date YYYY-MM-DD`);
  return value;
}

export function formatIssue(issue: RecordIssue): string {
  const where =
    issue.source.line !== undefined ? `${issue.source.file}:${issue.source.line}` : issue.source.file;
  const record = issue.record !== undefined ? ` (${issue.record})` : '';
  return `${where}: ${isWarning(issue) ? 'warning: ' : ''}${issue.reason}${record}`;
}

export interface EvaluatedInput {
  policy: LoadedPolicy;
  graph: OwnershipGraph;
  decisions: Decision[];
  /** ids whose decisions a refused record bears on (directly) */
  affected: Set<string>;
  /** the error issues met (the first MAX_KEPT_ISSUES), for explain */
  issues: RecordIssue[];
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
function markAffected(decisions: Decision[], graph: OwnershipGraph, affected: Set<string>): Decision[] {
  if (affected.size === 0) return decisions;
  const tainted = downstream(graph, affected);
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

/** Reads the policy and every ownership file, builds the graph at the as-of date, evaluates. */
export async function evaluateInput(
  flags: InputFlags,
  io: CliIo,
  ids?: readonly string[],
): Promise<EvaluatedInput> {
  const asOf = flags.asOf !== undefined ? checkDate(flags.asOf) : io.now().toISOString().slice(0, 10);
  // The policy first: a bad key should not wait for a multi-GB read.
  const policy = loadPolicy(flags.policy !== undefined ? resolve(io.cwd, flags.policy) : undefined);
  const builder = createGraphBuilder();
  const affected = new Set<string>();
  const issues: RecordIssue[] = [];
  let warnings = 0;
  let unattributed = 0;
  const files = flags.ownership.map((f) => resolve(io.cwd, f));
  for await (const item of readOwnership(
    files,
    flags.ownershipFormat ? { format: flags.ownershipFormat } : {},
  )) {
    if (item.kind === 'statement') {
      builder.add(item.statement);
      continue;
    }
    const issue = item.issue;
    if (isWarning(issue)) {
      if (++warnings <= MAX_PRINTED_WARNINGS) io.stderr(formatIssue(issue) + '\n');
      continue;
    }
    io.stderr(formatIssue(issue) + '\n');
    if (issues.length < MAX_KEPT_ISSUES) issues.push(issue);
    const ids = affectedIds(issue);
    if (ids === undefined) unattributed++;
    for (const id of ids ?? []) affected.add(id);
  }
  if (warnings > MAX_PRINTED_WARNINGS)
    io.stderr(`channelguard: ${warnings - MAX_PRINTED_WARNINGS} more warnings not shown\n`);
  if (unattributed > 0)
    io.stderr(
      `channelguard: ${unattributed} unreadable record(s) could not be tied to a party; decisions that depend on them may be incomplete\n`,
    );
  const graph = builder.build(asOf);
  if (ids !== undefined) {
    const known = new Set(graph.entityIds());
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0)
      throw new UsageError(
        `no entity ${missing.map((m) => JSON.stringify(m)).join(', ')} in the ownership data`,
      );
  }
  const decisions = markAffected(evaluate(graph, policy, ids !== undefined ? { ids } : {}), graph, affected);
  return { policy, graph, decisions, affected, issues };
}
