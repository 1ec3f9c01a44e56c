// What a command may touch of the process: injected so commands run in-process in tests.
import { createJsonLogger, createTextLogger, type Logger, type LogLevel } from '../log.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal: tables and progress bars; otherwise machine formats and JSON logs */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  cwd: string;
  now: () => Date;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/** JSON logs when stderr is not a terminal (cron, CI), short text lines on a terminal. */
export function loggerFor(io: CliIo, level: LogLevel = 'info'): Logger {
  const write = (line: string) => io.stderr(line + '\n');
  const envLevel = io.env['CHANNELGUARD_LOG_LEVEL'];
  const lvl =
    envLevel === 'debug' || envLevel === 'info' || envLevel === 'warn' || envLevel === 'error'
      ? envLevel
      : level;
  return io.stderrIsTTY
    ? createTextLogger({ level: lvl, write })
    : createJsonLogger({ level: lvl, write, clock: io.now });
}
