// `channelguard review list|show|decide|confirm-match|reject-match`: the people's side of the
// audit. Tables on a terminal, tab-separated lines otherwise, JSON with --json.
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.ts';
import { UsageError } from '../../errors.ts';
import type { Verdict } from '../../model/types.ts';
import {
  auditRowsFor,
  getReviewItem,
  listReviewItems,
  recordDetermination,
  type DeterminationOutcome,
  type DeterminationRequest,
  type ReviewItem,
} from '../../review/index.ts';
import type { Db } from '../../store/db.ts';
import { openStore } from '../../store/index.ts';
import { EXIT } from '../exit-codes.ts';
import { loggerFor, type CliIo } from '../io.ts';
import { demoDataDir } from '../adapters.ts';
import type { RegisterCommand } from '../registry.ts';
import { columns } from '../columns.ts';

interface StoreFlags {
  config?: string;
  /** the database `audit --demo` wrote */
  demo?: boolean;
}

/** Opens the configured store (migrated); closes it after fn. Shared with audit-log.ts. */
export async function withStore<T>(io: CliIo, flags: StoreFlags, fn: (db: Db) => Promise<T>): Promise<T> {
  const config = await loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    env: io.env,
    cwd: io.cwd,
  });
  const db = await openStore({
    ...(flags.demo
      ? { dataDir: demoDataDir(io.cwd) }
      : config.database.url
        ? { databaseUrl: config.database.url }
        : { dataDir: config.database.dir }),
    cwd: io.cwd,
    logger: loggerFor(io, 'warn'),
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Pads columns for a terminal; plain tab-separated lines otherwise. */
export function renderTable(io: CliIo, header: string[], rows: string[][]): string {
  if (!io.stdoutIsTTY) return rows.map((r) => r.join('\t') + '\n').join('');
  return columns(header, rows).join('\n') + '\n';
}

const VERDICTS: readonly Verdict[] = ['restricted', 'review', 'allowed'];

function parseVerdict(v: string): Verdict {
  if (!(VERDICTS as readonly string[]).includes(v))
    throw new UsageError(`--decision must be one of ${VERDICTS.join(', ')} (got "${v}")`);
  return v as Verdict;
}

function itemRow(i: ReviewItem): string[] {
  const top = i.candidates[0];
  return [
    i.id,
    i.status,
    i.automaticDecision,
    i.matchStatus ?? '-',
    top
      ? `${top.entityId} (${top.score.toFixed(2)})${i.candidates.length > 1 ? ` +${i.candidates.length - 1}` : ''}`
      : '-',
    i.reasons.join(' '),
  ];
}

function printOutcome(io: CliIo, json: boolean | undefined, o: DeterminationOutcome): void {
  if (json) {
    io.stdout(
      JSON.stringify({ state: o.state, determination: o.determination, superseded: o.superseded }) + '\n',
    );
    return;
  }
  const d = o.determination;
  const what = d.kind === 'decide' ? `decision ${d.decision}` : `${d.kind} ${d.entityId}`;
  const msg =
    o.state === 'pending'
      ? `${d.id} recorded as pending (${what} on ${d.subject}): a second, different reviewer must run the same command\n`
      : `${d.id} in force (${what} on ${d.subject}, by ${d.reviewer}${d.approver ? ` and ${d.approver}` : ''})` +
        (o.superseded.length ? `; supersedes ${o.superseded.join(', ')}` : '') +
        '\n';
  io.stdout(msg);
}

interface DecideFlags extends StoreFlags {
  decision: string;
  reason: string;
  reviewer: string;
  evidence?: string[];
  expires?: string;
  json?: boolean;
}

export const registerReview: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  const review = program
    .command('review')
    .description('list review items and record determinations (four-eyes when lifting a restriction)');
  const withConfig = (c: Command) =>
    c
      .option('--config <file>', 'channelguard.yaml (default: ./channelguard.yaml)')
      .option('--demo', 'the database `audit --demo` wrote');

  withConfig(review.command('list'))
    .description('review items, by id (open ones unless --status)')
    .option('--status <status>', 'open, decided, closed or all', 'open')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--json', 'one JSON object per line')
    .action(async (flags: StoreFlags & { status: string; limit: string; json?: boolean }) => {
      if (!['open', 'decided', 'closed', 'all'].includes(flags.status))
        throw new UsageError(`--status must be open, decided, closed or all (got "${flags.status}")`);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer`);
      const items = await withStore(io, flags, (db) =>
        listReviewItems(db, { status: flags.status as ReviewItem['status'] | 'all', limit }),
      );
      if (flags.json) io.stdout(items.map((i) => JSON.stringify(i) + '\n').join(''));
      else if (items.length === 0 && io.stdoutIsTTY) io.stdout('no review items\n');
      else
        io.stdout(
          renderTable(
            io,
            ['ID', 'STATUS', 'AUTOMATIC', 'MATCH', 'TOP CANDIDATE', 'REASONS'],
            items.map(itemRow),
          ),
        );
      setExit(EXIT.ok);
    });

  withConfig(review.command('show'))
    .description('one item: candidates, reasons, determinations and its audit trail')
    .argument('<id>', 'review item id, e.g. aws:123456789012 or entity:<id>')
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: StoreFlags & { json?: boolean }) => {
      const found = await withStore(io, flags, async (db) => {
        const item = await getReviewItem(db, id);
        return item ? { item, audit: await auditRowsFor(db, id) } : undefined;
      });
      if (!found) throw new UsageError(`no review item ${id} (see: channelguard review list --status all)`);
      const { item, audit } = found;
      if (flags.json) {
        io.stdout(
          JSON.stringify({
            ...item,
            audit: audit.map((a) => ({ ...a, payload: JSON.parse(a.payload) as unknown })),
          }) + '\n',
        );
        return;
      }
      const out: string[] = [
        `${item.id}  ${item.status}  automatic ${item.automaticDecision}  match ${item.matchStatus ?? '-'}`,
        `reasons: ${item.reasons.join(' ') || '-'}`,
        `evidence hash: ${item.evidenceHash}`,
        'candidates:',
        renderTable(
          { ...io, stdoutIsTTY: true },
          ['ENTITY', 'SCORE', 'NAME'],
          item.candidates.map((c) => [c.entityId, c.score.toFixed(3), c.name]),
        ).trimEnd(),
        'determinations:',
        ...(item.determinations.length === 0
          ? ['  none']
          : item.determinations.map(
              (d) =>
                `  ${d.id} ${d.status} ${d.kind === 'decide' ? d.decision : `${d.kind} ${d.entityId}`} by ${d.reviewer}` +
                `${d.approver ? ` + ${d.approver}` : ''} at ${d.createdAt}${d.expiresAt ? ` (expires ${d.expiresAt})` : ''}: ${d.reason}` +
                (d.evidence.length ? ` [${d.evidence.join(', ')}]` : ''),
            )),
        'audit trail:',
        ...audit.map((a) => `  #${a.seq} ${a.at} ${a.actor} ${a.action}`),
      ];
      io.stdout(out.join('\n') + '\n');
    });

  withConfig(review.command('decide'))
    .description('decide an item; restricted -> allowed needs two different reviewers')
    .argument('<id>', 'review item id')
    .requiredOption('--decision <verdict>', 'restricted, review or allowed')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .requiredOption('--reviewer <name>', 'who decides')
    .option('--evidence <url...>', 'documents or links the decision rests on')
    .option('--expires <date>', 'YYYY-MM-DD: the decision lapses then')
    .option('--json', 'print the determination as JSON')
    .action(async (id: string, flags: DecideFlags) => {
      const req: DeterminationRequest = {
        itemId: id,
        kind: 'decide',
        decision: parseVerdict(flags.decision),
        reason: flags.reason,
        reviewer: flags.reviewer,
        evidence: flags.evidence ?? [],
        ...(flags.expires !== undefined ? { expiresAt: flags.expires } : {}),
      };
      const o = await withStore(io, flags, (db) =>
        recordDetermination(db, req, { at: io.now().toISOString(), actor: flags.reviewer }),
      );
      printOutcome(io, flags.json, o);
      setExit(EXIT.ok);
    });

  for (const kind of ['confirm-match', 'reject-match'] as const) {
    withConfig(review.command(kind))
      .description(
        kind === 'confirm-match'
          ? 'confirm that a tenant is this legal entity'
          : 'rule out an entity for a tenant',
      )
      .argument('<tenant>', 'tenant review item id, e.g. aws:123456789012')
      .argument('<entity>', 'entity id')
      .requiredOption('--reviewer <name>', 'who decides')
      .option(
        '--reason <text>',
        'why',
        kind === 'confirm-match' ? 'match confirmed by reviewer' : 'match rejected by reviewer',
      )
      .option('--evidence <url...>', 'documents or links')
      .option('--expires <date>', 'YYYY-MM-DD')
      .option('--json', 'print the determination as JSON')
      .action(async (tenant: string, entity: string, flags: Omit<DecideFlags, 'decision'>) => {
        const req: DeterminationRequest = {
          itemId: tenant,
          kind,
          entityId: entity,
          reason: flags.reason,
          reviewer: flags.reviewer,
          evidence: flags.evidence ?? [],
          ...(flags.expires !== undefined ? { expiresAt: flags.expires } : {}),
        };
        const o = await withStore(io, flags, (db) =>
          recordDetermination(db, req, { at: io.now().toISOString(), actor: flags.reviewer }),
        );
        printOutcome(io, flags.json, o);
        setExit(EXIT.ok);
      });
  }
};
