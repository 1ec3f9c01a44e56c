// channelguard.yaml: the Input schema (zod, strict: an unknown key is refused by name) and the
// Resolved type the commands run with. Each cloud's block is its adapter's own config; the core
// does not import adapters, so here a cloud block is only "an object", and src/cli/adapters.ts
// validates it with the adapter's schema (naming `clouds.<cloud>.<key>`).
import { z } from 'zod';
import type { Cloud } from '../adapter.ts';

export const CONFIG_FILE_NAME = 'channelguard.yaml';

const hours = z
  .number()
  .positive()
  .max(24 * 366);
const path = z.string().min(1);
/** YYYY-MM-DD or a full ISO 8601 instant */
const isoDate = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'must be YYYY-MM-DD or an ISO 8601 instant',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date');

const cloudBlock = z.record(z.string(), z.unknown());

export const configFileSchema = z.strictObject({
  database: z
    .strictObject({
      /** postgres://… ; DATABASE_URL wins over it */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
      /** the embedded (PGlite) database directory, relative to this file */
      dir: path.optional(),
    })
    .optional(),
  clouds: z
    .strictObject({ aws: cloudBlock.optional(), gcp: cloudBlock.optional(), azure: cloudBlock.optional() })
    .optional(),
  sources: z
    .strictObject({
      /** a source older than this is stale: the audit fails or marks decisions stale */
      maxAgeHours: z
        .strictObject({ aws: hours.optional(), gcp: hours.optional(), azure: hours.optional() })
        .optional(),
    })
    .optional(),
  audit: z
    .strictObject({
      /** the share of decisions that may flip in one run before the delta guard stops it */
      deltaGuardShare: z.number().min(0).max(1).optional(),
      /** tenants matched, decided and written together (more: fewer round trips, more memory) */
      batchSize: z.number().int().min(1).max(1_000_000).optional(),
      reportsDir: path.optional(),
      signingKeyFile: path.optional(),
      /** ownership data the audit decides on (BODS, GLEIF or channelguard CSV), relative to this file */
      ownership: z.array(path).min(1).optional(),
      ownershipFormat: z.enum(['bods', 'gleif', 'csv']).optional(),
      /** the policy file; default: the shipped policy */
      policy: path.optional(),
      asOf: isoDate.optional(),
    })
    .optional(),
});

export type ConfigFile = z.output<typeof configFileSchema>;

export interface ChannelguardConfig {
  /** the file read (absolute), or undefined when no file was found and only defaults apply */
  file?: string;
  database: {
    /** a PostgreSQL server; when set, `dir` is not used */
    url?: string;
    /** absolute PGlite directory */
    dir: string;
  };
  /** each configured cloud's block, unvalidated here (the adapter's own schema validates it) */
  clouds: Partial<Record<Cloud, Record<string, unknown>>>;
  sources: { maxAgeHours: Record<Cloud, number> };
  audit: {
    deltaGuardShare: number;
    batchSize: number;
    /** absolute */
    reportsDir: string;
    signingKeyFile?: string;
    /** absolute */
    ownership: string[];
    ownershipFormat?: 'bods' | 'gleif' | 'csv';
    /** absolute */
    policy?: string;
    asOf?: string;
  };
}

/**
 * Freshness defaults: AWS seller feeds arrive daily; Google's Customer Insights lags two days and
 * Partner Center analytics up to 48 h (docs: marketplace-apis.md §4), so a day's slack on top.
 */
export const DEFAULT_MAX_AGE_HOURS: Readonly<Record<Cloud, number>> = { aws: 48, gcp: 72, azure: 72 };
export const DEFAULT_DELTA_GUARD_SHARE = 0.05;
export const DEFAULT_AUDIT_BATCH_SIZE = 2000;
export const DEFAULT_DB_DIR = '.channelguard/db';
export const DEFAULT_REPORTS_DIR = 'reports';
