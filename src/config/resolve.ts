// The one place defaults and the environment are applied to channelguard.yaml. Pure: no file
// system, no process.env — the caller passes env, cwd and the file's folder.
import { isAbsolute, resolve } from 'node:path';
import type { Cloud } from '../adapter.ts';
import { ConfigError } from '../errors.ts';
import {
  DEFAULT_DB_DIR,
  DEFAULT_AUDIT_BATCH_SIZE,
  DEFAULT_DELTA_GUARD_SHARE,
  DEFAULT_MAX_AGE_HOURS,
  DEFAULT_REPORTS_DIR,
  configFileSchema,
  type ChannelguardConfig,
  type ConfigFile,
} from './schema.ts';

export interface ResolveContext {
  env: Readonly<Record<string, string | undefined>>;
  /** where default paths (no file) resolve */
  cwd: string;
  /** the config file (absolute), when one was read: relative paths in it resolve against its folder */
  file?: string;
  /** finds the line of a key path in the file, for messages */
  lineOf?: (path: readonly PropertyKey[]) => number | undefined;
}

/** Validates a parsed document; throws ConfigError naming the file, line and key. */
export function parseConfigFile(doc: unknown, ctx: Pick<ResolveContext, 'file' | 'lineOf'> = {}): ConfigFile {
  const result = configFileSchema.safeParse(doc ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const at = (path: readonly PropertyKey[]) => path.map(String).join('.');
  let key = at(issue.path);
  let message = issue.message;
  let path: PropertyKey[] = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const first = issue.keys[0]!;
    path = [...issue.path, first];
    key = at(path);
    message = `unknown key${issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : ''}`;
  }
  throw new ConfigError(
    `${where(ctx, path)}config key ${key || '(top level)'}: ${message}`,
    key || undefined,
    {
      cause: result.error,
    },
  );
}

function where(ctx: Pick<ResolveContext, 'file' | 'lineOf'>, path: readonly PropertyKey[]): string {
  if (!ctx.file) return '';
  const line = ctx.lineOf?.(path);
  return line !== undefined ? `${ctx.file}:${line}: ` : `${ctx.file}: `;
}

const DATABASE_URL = /^postgres(ql)?:\/\//;

export function resolveConfig(file: ConfigFile, ctx: ResolveContext): ChannelguardConfig {
  const base = ctx.file ? resolve(ctx.file, '..') : ctx.cwd;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const absCwd = (p: string) => (isAbsolute(p) ? p : resolve(ctx.cwd, p));

  const envUrl = ctx.env['DATABASE_URL']?.trim();
  if (envUrl && !DATABASE_URL.test(envUrl)) {
    throw new ConfigError('DATABASE_URL: must be a postgres:// or postgresql:// URL', 'DATABASE_URL');
  }
  const url = envUrl || file.database?.url;
  const dir = file.database?.dir !== undefined ? abs(file.database.dir) : absCwd(DEFAULT_DB_DIR);

  const clouds: ChannelguardConfig['clouds'] = {};
  for (const cloud of ['aws', 'gcp', 'azure'] as const) {
    const block = file.clouds?.[cloud];
    if (block !== undefined) clouds[cloud] = block;
  }
  const maxAge = file.sources?.maxAgeHours ?? {};
  const maxAgeHours = Object.fromEntries(
    (['aws', 'gcp', 'azure'] as const).map((c) => [c, maxAge[c] ?? DEFAULT_MAX_AGE_HOURS[c]]),
  ) as Record<Cloud, number>;

  const a = file.audit ?? {};
  return {
    ...(ctx.file ? { file: ctx.file } : {}),
    database: { ...(url ? { url } : {}), dir },
    clouds,
    sources: { maxAgeHours },
    audit: {
      deltaGuardShare: a.deltaGuardShare ?? DEFAULT_DELTA_GUARD_SHARE,
      batchSize: a.batchSize ?? DEFAULT_AUDIT_BATCH_SIZE,
      reportsDir: a.reportsDir !== undefined ? abs(a.reportsDir) : absCwd(DEFAULT_REPORTS_DIR),
      ...(a.signingKeyFile !== undefined ? { signingKeyFile: abs(a.signingKeyFile) } : {}),
      ownership: (a.ownership ?? []).map(abs),
      ...(a.ownershipFormat !== undefined ? { ownershipFormat: a.ownershipFormat } : {}),
      ...(a.policy !== undefined ? { policy: abs(a.policy) } : {}),
      ...(a.asOf !== undefined ? { asOf: a.asOf } : {}),
    },
  };
}
