// `channelguard evaluate`: the stable contract of /work/shared/spec/evaluate-cli.md.
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../../errors.ts';
import type { Decision } from '../../evaluator/index.ts';
import { VERDICT_RANK, type Verdict } from '../../model/types.ts';
import { addInputOptions, evaluateInput, type InputFlags } from '../evaluate-input.ts';
import { EXIT } from '../exit-codes.ts';
import {
  DECISION_FORMATS,
  csvHeader,
  csvRow,
  jsonlLine,
  table,
  type DecisionFormat,
} from '../format-decisions.ts';
import type { CliIo } from '../io.ts';
import type { RegisterCommand } from '../registry.ts';

interface EvaluateFlags extends InputFlags {
  entity?: string[];
  format?: DecisionFormat;
  out?: string;
  failOn?: 'restricted' | 'review';
}

function render(decisions: readonly Decision[], format: DecisionFormat, write: (text: string) => void): void {
  if (format === 'table') return write(table(decisions));
  if (format === 'csv') write(csvHeader());
  for (const d of decisions) write(format === 'csv' ? csvRow(d) : jsonlLine(d));
}

async function writeFile(
  path: string,
  decisions: readonly Decision[],
  format: DecisionFormat,
): Promise<void> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  try {
    render(decisions, format, (text) => out.write(text));
    await Promise.race([new Promise<void>((ok) => out.end(ok)), failed]);
  } catch (err) {
    throw new InputError(
      `cannot write --out file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { file: path },
      { cause: err },
    );
  }
}

export async function runEvaluate(flags: EvaluateFlags, io: CliIo): Promise<number> {
  const entities = flags.entity?.length ? flags.entity : undefined;
  const { decisions } = await evaluateInput(flags, io, entities);
  // A terminal gets a table; a pipe or a file gets one JSON object per line.
  const format = flags.format ?? (io.stdoutIsTTY && flags.out === undefined ? 'table' : 'jsonl');
  if (flags.out !== undefined) await writeFile(resolve(io.cwd, flags.out), decisions, format);
  else render(decisions, format, io.stdout);
  if (flags.failOn === undefined) return EXIT.ok;
  const bar = VERDICT_RANK[flags.failOn as Verdict];
  return decisions.some((d) => VERDICT_RANK[d.decision] >= bar) ? EXIT.findings : EXIT.ok;
}

export const registerEvaluate: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  const cmd = program
    .command('evaluate')
    .description(
      'decide restricted / review / allowed for every entity of an ownership graph (control-rule.md)',
    );
  addInputOptions(cmd)
    .option('--entity <id>', 'evaluate only this entity (repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ])
    .addOption(
      new Option('--format <format>', 'output format (default: table on a terminal, else jsonl)').choices(
        DECISION_FORMATS,
      ),
    )
    .option('--out <file>', 'write the decisions to this file instead of stdout')
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when a decision is at or above this level').choices([
        'restricted',
        'review',
      ]),
    )
    .action(async (flags: EvaluateFlags) => {
      setExit(await runEvaluate(flags, io));
    });
};
