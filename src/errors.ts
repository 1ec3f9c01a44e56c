// One errors module: a typed hierarchy, always with `cause`. Vendor errors never leave an
// adapter's client.ts; they are wrapped in AdapterError there.

export type Fault = 'client' | 'server';

export class ChannelguardError extends Error {
  override readonly name: string = 'ChannelguardError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(redactSecrets(message), options);
  }
}

/** A bad configuration or policy value; names the file and the key. */
export class ConfigError extends ChannelguardError {
  override readonly name: string = 'ConfigError';
  constructor(
    message: string,
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where in an input a problem was found. */
export interface InputLocation {
  file?: string;
  line?: number;
  /** statement id, record id or JSON pointer */
  record?: string;
  field?: string;
}

export function formatLocation(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.record !== undefined) parts.push(`record ${loc.record}`);
  if (loc.field !== undefined) parts.push(`field ${loc.field}`);
  return parts.join(', ');
}

/** An input that cannot be read at all (exit 65), or one bad record inside a readable input. */
export class InputError extends ChannelguardError {
  override readonly name: string = 'InputError';
  constructor(
    readonly reason: string,
    readonly location: InputLocation = {},
    options?: { cause?: unknown },
  ) {
    const where = formatLocation(location);
    super(where ? `${where}: ${reason}` : reason, options);
  }
}

/** A wrong command line (exit 2). */
export class UsageError extends ChannelguardError {
  override readonly name: string = 'UsageError';
}

export interface AdapterErrorInfo {
  cloud: string;
  api: string;
  fault: Fault;
  retryable: boolean;
  status?: number;
  code?: string;
  /** milliseconds the server asked us to wait */
  retryAfterMs?: number;
  throttled?: boolean;
}

/** A marketplace API or report failed. `fault` says whose fault; `retryable` whether to try again. */
export class AdapterError extends ChannelguardError {
  override readonly name: string = 'AdapterError';
  readonly cloud: string;
  readonly api: string;
  readonly fault: Fault;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly throttled: boolean;
  constructor(message: string, info: AdapterErrorInfo, options?: { cause?: unknown }) {
    super(`${info.cloud} ${info.api}: ${message}`, options);
    this.cloud = info.cloud;
    this.api = info.api;
    this.fault = info.fault;
    this.retryable = info.retryable;
    this.status = info.status;
    this.code = info.code;
    this.retryAfterMs = info.retryAfterMs;
    this.throttled = info.throttled ?? false;
  }
}

export class StoreError extends ChannelguardError {
  override readonly name: string = 'StoreError';
}

/** Report building, signing or verification failed. */
export class ReportError extends ChannelguardError {
  override readonly name: string = 'ReportError';
}

/** Credential shapes, each with how to keep the text around it: `$1` is the key, kept; the value goes. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(authorization["']?\s*[:=]\s*["']?)(?:bearer\s+)?[^\s"',;]+/gi, '$1[redacted]'],
  [/(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, '$1[redacted]'],
  [
    /((?:secret|password|passwd|api[_-]?key|private[_-]?key|client[_-]?secret|access[_-]?key(?:[_-]?id)?)["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
    '$1[redacted]',
  ],
  // a token is long: "page token: could not be read" is prose, not a secret
  [/((?:token|session[_-]?token|access[_-]?token)["']?\s*[:=]\s*["']?)[^\s"',;&]{12,}/gi, '$1[redacted]'],
  [/(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/gi, '$1[redacted]@'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted]'],
];

/** Removes anything that looks like a credential from a string. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of SECRET_PATTERNS) out = out.replace(re, replacement);
  return out;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return redactSecrets(err.message);
  return redactSecrets(String(err));
}
