import { redactSecrets } from './errors.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** Library code logs through this; only the CLI decides where it goes. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /secret|password|passwd|token|authorization|credential|api[-_]?key|private[-_]?key/i;

/** Deep copy of log fields with secret-looking keys and values redacted. */
export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactSecrets(value);
  if (value instanceof Error) return { name: value.name, message: redactSecrets(value.message) };
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redactFields(v, depth + 1);
    }
    return out;
  }
  return value;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  clock?: () => Date;
  base?: LogFields;
}

/** One JSON object per line (for cron and CI), secrets redacted. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const clock = options.clock ?? (() => new Date());
  const base = options.base ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const record = { time: clock().toISOString(), level, msg: redactSecrets(msg), ...base, ...fields };
    write(JSON.stringify(redactFields(record)));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createJsonLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** Short human lines on a terminal. */
export function createTextLogger(options: JsonLoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.base ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const all = redactFields({ ...base, ...fields }) as LogFields;
    const extra = Object.entries(all)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${level === 'info' ? '' : level + ': '}${redactSecrets(msg)}${extra ? ' ' + extra : ''}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createTextLogger({ ...options, base: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** A logger that keeps its records, for tests. */
export function createMemoryLogger(): Logger & {
  records: Array<{ level: LogLevel; msg: string } & LogFields>;
} {
  const records: Array<{ level: LogLevel; msg: string } & LogFields> = [];
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      records.push({
        ...(redactFields({ ...base, ...fields }) as LogFields),
        level,
        msg: redactSecrets(msg),
      });
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return Object.assign(make({}), { records });
}
