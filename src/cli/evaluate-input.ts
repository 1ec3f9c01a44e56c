// The input side shared by `evaluate` and `explain`: flags -> policy, ownership graph, decisions,
// with record issues printed as they are met and carried into the decisions they bear on.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import type { Decision, OwnershipGraph } from '../evaluator/index.ts';
import { isWarning } from '../ingest/issues.ts';
import { OWNERSHIP_FORMATS, type OwnershipFormat } from '../ingest/read.ts';
import { decide, loadOwnership } from '../ownership/load.ts';
import type { RecordIssue } from '../model/types.ts';
import { loadPolicy } from '../policy/load.ts';
import type { LoadedPolicy } from '../policy/schema.ts';
import type { CliIo } from './io.ts';

export { INPUT_ISSUE } from '../ownership/load.ts';

export interface InputFlags {
  ownership: string[];
  ownershipFormat?: OwnershipFormat;
  policy?: string;
  asOf?: string;
}

/** Warnings past this many are counted, not printed (a GLEIF file can carry thousands). */
const MAX_PRINTED_WARNINGS = 20;

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

/** Reads the policy and every ownership file, builds the graph at the as-of date, evaluates. */
export async function evaluateInput(
  flags: InputFlags,
  io: CliIo,
  ids?: readonly string[],
): Promise<EvaluatedInput> {
  const asOf = flags.asOf !== undefined ? checkDate(flags.asOf) : io.now().toISOString().slice(0, 10);
  // The policy first: a bad key should not wait for a multi-GB read.
  const policy = loadPolicy(flags.policy !== undefined ? resolve(io.cwd, flags.policy) : undefined);
  let printed = 0;
  const files = flags.ownership.map((f) => resolve(io.cwd, f));
  const loaded = await loadOwnership({
    files,
    ...(flags.ownershipFormat ? { format: flags.ownershipFormat } : {}),
    asOf,
    onIssue: (issue) => {
      if (!isWarning(issue) || ++printed <= MAX_PRINTED_WARNINGS) io.stderr(formatIssue(issue) + '\n');
    },
  });
  const { warnings, unattributed } = loaded;
  if (warnings > MAX_PRINTED_WARNINGS)
    io.stderr(`channelguard: ${warnings - MAX_PRINTED_WARNINGS} more warnings not shown\n`);
  if (unattributed > 0)
    io.stderr(
      `channelguard: ${unattributed} unreadable record(s) could not be tied to a party; decisions that depend on them may be incomplete\n`,
    );
  const { graph, affected, issues } = loaded;
  if (ids !== undefined) {
    const known = new Set(graph.entityIds());
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0)
      throw new UsageError(
        `no entity ${missing.map((m) => JSON.stringify(m)).join(', ')} in the ownership data`,
      );
  }
  const decisions = decide(loaded, policy, ids);
  return { policy, graph, decisions, affected, issues };
}
