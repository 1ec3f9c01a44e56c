// `channelguard audit-log verify|head`: recompute the hash chain (exit 0 intact, 1 broken, naming
// the first bad seq) and print the head to anchor it elsewhere.
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { auditHead, verifyAuditLog } from '../../review/index.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import type { RegisterCommand } from '../registry.ts';
import { withStore } from './review.ts';

function parseAnchor(text: string, previous: Array<{ seq: number; hash: string }> = []) {
  const m = /^(\d+):([0-9a-fA-F]{64})$/.exec(text);
  if (!m) throw new UsageError(`--anchor must be SEQ:SHA256HEX (got "${text}")`);
  return [...previous, { seq: Number(m[1]), hash: m[2]!.toLowerCase() }];
}

export const registerAuditLog: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  const cmd = program.command('audit-log').description('the append-only, hash-chained audit log');

  cmd
    .command('verify')
    .description('recompute the chain; exit 0 when intact, 1 when broken (names the first bad seq)')
    .option('--config <file>', 'channelguard.yaml (default: ./channelguard.yaml)')
    .option('--demo', 'the database `audit --demo` wrote')
    .option(
      '--anchor <seq:hash>',
      'a head published earlier that must still be in the chain (repeatable)',
      parseAnchor,
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (flags: {
        config?: string;
        demo?: boolean;
        anchor?: Array<{ seq: number; hash: string }>;
        json?: boolean;
      }) => {
        const result = await withStore(io, flags, (db) =>
          verifyAuditLog(db, flags.anchor ? { anchors: flags.anchor } : {}),
        );
        if (flags.json) io.stdout(JSON.stringify(result) + '\n');
        else if (result.ok)
          io.stdout(
            result.head
              ? `intact: ${result.count} rows, head ${result.head.seq}:${result.head.hash}\n`
              : 'intact: the audit log is empty\n',
          );
        else
          io.stdout(
            `broken at seq ${result.firstBadSeq}: ${result.reason} (${result.count} rows verified before it)\n`,
          );
        setExit(result.ok ? EXIT.ok : EXIT.findings);
      },
    );

  cmd
    .command('head')
    .description('print the newest seq:hash, to publish (anchor) outside the database')
    .option('--config <file>', 'channelguard.yaml (default: ./channelguard.yaml)')
    .option('--demo', 'the database `audit --demo` wrote')
    .option('--json', 'print as JSON')
    .action(async (flags: { config?: string; demo?: boolean; json?: boolean }) => {
      const head = await withStore(io, flags, (db) => auditHead(db));
      if (flags.json) io.stdout(JSON.stringify(head ?? null) + '\n');
      else io.stdout(head ? `${head.seq}:${head.hash}\n` : 'empty\n');
      setExit(EXIT.ok);
    });
};
