// The adapter's cursors: opaque JSON strings to the core, high-water marks inside. A cursor given
// back by the sync is outside input, so it is validated here once and a bad one is refused.
import { z } from 'zod';
import { ConfigError } from '../../src/errors.ts';

const instant = z.iso.datetime();

const tenantCursor = z.strictObject({
  v: z.literal(1),
  /** the newest agreement lastUpdateTime already written */
  agreements: instant.optional(),
  /** the newest feed file LastModified already written */
  feeds: instant.optional(),
  /**
   * A run stopped midway: every account up to `after` (in key order) was written as of this run's
   * marks; the accounts after it are still as of the marks above (or never written: `fromStart`).
   */
  partial: z
    .strictObject({
      after: z.string().min(1),
      agreements: instant.optional(),
      feeds: instant.optional(),
      fromStart: z.literal(true).optional(),
    })
    .optional(),
});

const usageCursor = z.strictObject({
  v: z.literal(1),
  feeds: instant.optional(),
  /** the newest invoice issuedTime already written */
  invoices: instant.optional(),
});

export type TenantCursor = z.infer<typeof tenantCursor>;
export type UsageCursor = z.infer<typeof usageCursor>;

function parse<T>(schema: z.ZodType<T>, text: string | undefined, what: string): T | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`aws ${what} cursor is not JSON`, 'cursor', { cause });
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(
      `aws ${what} cursor: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      'cursor',
      { cause: r.error },
    );
  }
  return r.data;
}

export const parseTenantCursor = (text: string | undefined) => parse(tenantCursor, text, 'tenants');
export const parseUsageCursor = (text: string | undefined) => parse(usageCursor, text, 'usage');

/** Keys in a fixed order so the same marks give the same bytes. */
export function formatCursor(
  marks: Record<string, string | undefined>,
  partial?: NonNullable<TenantCursor['partial']>,
): string {
  const out: Record<string, unknown> = { v: 1 };
  for (const k of Object.keys(marks).sort()) {
    const v = marks[k];
    if (v !== undefined) out[k] = v;
  }
  if (partial !== undefined) {
    const p: Record<string, unknown> = { after: partial.after };
    if (partial.agreements !== undefined) p['agreements'] = partial.agreements;
    if (partial.feeds !== undefined) p['feeds'] = partial.feeds;
    if (partial.fromStart) p['fromStart'] = true;
    out['partial'] = p;
  }
  return JSON.stringify(out);
}

/** The later of two ISO instants (either may be absent). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}
