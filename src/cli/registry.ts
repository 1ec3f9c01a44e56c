// Every command registers itself here: one import and one list entry per command file.
import type { Command } from 'commander';
import type { CliIo } from './io.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerExplain } from './commands/explain.ts';
import { registerKeygen } from './commands/keygen.ts';
import { registerVerify } from './commands/verify.ts';
import { registerReview } from './commands/review.ts';
import { registerAuditLog } from './commands/audit-log.ts';
import { registerSync } from './commands/sync.ts';
import { registerAudit } from './commands/audit.ts';

/** A command adds itself to the program; `setExit` records its exit status. */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

export const commands: RegisterCommand[] = [
  registerAudit,
  registerVerify,
  registerKeygen,
  registerEvaluate,
  registerExplain,
  registerReview,
  registerAuditLog,
  registerSync,
];
