import { Command, CommanderError } from 'commander';
import {
  ChannelguardError,
  ConfigError,
  InputError,
  StoreError,
  UsageError,
  errorMessage,
} from '../errors.ts';
import { EXIT } from './exit-codes.ts';
import { processIo, type CliIo } from './io.ts';
import { commands } from './registry.ts';

/** Maps an error that escaped a command to its documented exit status. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof ConfigError) return EXIT.config;
  if (err instanceof InputError) return EXIT.dataError;
  if (err instanceof StoreError) return EXIT.unavailable;
  if (err instanceof ChannelguardError) return EXIT.internal;
  return EXIT.internal;
}

/** Runs the CLI; returns the exit status instead of exiting, so tests can call it in-process. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('channelguard')
    .description('One ownership-control rule for every marketplace channel.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError(false);
  let status = 0;
  for (const register of commands) {
    register(program, io, (code) => {
      status = code;
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      return EXIT.usage;
    }
    const code = exitCodeFor(err);
    io.stderr(`channelguard: ${errorMessage(err)}\n`);
    if (code === EXIT.internal && io.env['CHANNELGUARD_DEBUG'] && err instanceof Error && err.stack)
      io.stderr(err.stack + '\n');
    return code;
  }
}
