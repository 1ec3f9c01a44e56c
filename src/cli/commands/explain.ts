// `channelguard explain ID`: one decision, as a person reads it (or --json, structured).
import type { Command } from 'commander';
import { affectedIds } from '../../ingest/issues.ts';
import { addInputOptions, evaluateInput, type InputFlags } from '../evaluate-input.ts';
import { EXIT } from '../exit-codes.ts';
import { explainText } from '../explain-text.ts';
import type { CliIo } from '../io.ts';
import type { RegisterCommand } from '../registry.ts';

interface ExplainFlags extends InputFlags {
  json?: boolean;
}

export async function runExplain(id: string, flags: ExplainFlags, io: CliIo): Promise<number> {
  const { decisions, graph, policy, issues } = await evaluateInput(flags, io, [id]);
  const decision = decisions[0]!;
  const holders = graph.holdersOf(id);
  // The issues about this company, its direct holders, or any party on its chains.
  const near = new Set([id, ...decision.paths.flatMap((p) => p.hops.map((h) => h.holder))]);
  for (const h of holders) if (typeof h.holder === 'string') near.add(h.holder);
  const relevant = issues.filter((i) => affectedIds(i)?.some((a) => near.has(a)));
  if (flags.json) {
    io.stdout(JSON.stringify({ decision, holders, issues: relevant }, null, 2) + '\n');
  } else {
    io.stdout(explainText(decision, policy.policy, holders, relevant));
  }
  return EXIT.ok;
}

export const registerExplain: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  const cmd = program
    .command('explain')
    .argument('<id>', 'the entity to explain (a BODS recordId, an LEI, a CSV id)')
    .description(
      'explain one decision: the chains up to restricted owners, the sums against the threshold, why',
    );
  addInputOptions(cmd)
    .option(
      '--json',
      'the structured form: the decision, its direct holders and the input issues bearing on it',
    )
    .action(async (id: string, flags: ExplainFlags) => {
      setExit(await runExplain(id, flags, io));
    });
};
