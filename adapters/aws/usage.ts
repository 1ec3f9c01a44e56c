// Usage: spend per end-user account from the billing-event feed (streamed row by row, one UsageRecord
// per billing event, so memory does not grow with the feed) and, when enabled, invoiced amounts per
// agreement from ListAgreementInvoiceLineItems. Model ids are normalised with Bedrock's catalog.
import pLimit from 'p-limit';
import type { ListOptions, Page, UsageRecord } from '../../src/adapter.ts';
import { InputError } from '../../src/errors.ts';
import type { AwsClient, FeedFile, FoundationModelSummary } from './client.ts';
import type { AwsConfig } from './config.ts';
import { formatCursor, later, parseUsageCursor } from './cursor.ts';
import { readFeed } from './feeds.ts';
import type { UsageContext } from './map.ts';
import { parseBillingEventRow, usageOfBillingEvent, usageOfInvoiceLine } from './map.ts';
import type { RunDeps } from './tenants.ts';

export const USAGE_SOURCE = 'aws/usage';

export interface UsageWindow {
  start: string;
  end: string;
}

export async function* listUsage(
  client: AwsClient,
  config: AwsConfig,
  deps: RunDeps,
  window: UsageWindow,
  options: ListOptions = {},
): AsyncGenerator<Page<UsageRecord>> {
  const { start, end } = checkWindow(window);
  const cursor = parseUsageCursor(options.cursor);
  const signal = options.signal;
  const log = deps.logger.child({ source: USAGE_SOURCE });
  const ctx: UsageContext = { productModels: config.productModels };
  if (config.bedrockModels) {
    const models = await client.listFoundationModels(signal);
    ctx.catalog = new Map(models.filter(hasId).map((m) => [m.modelId, m]));
    for (const [product, model] of Object.entries(config.productModels)) {
      const base = model.replace(/^(us|eu|apac|us-gov|global)\./, '');
      if (!ctx.catalog.has(model) && !ctx.catalog.has(base)) {
        log.warn('mapped model is not in the Bedrock catalog of this region', { product, model });
      }
    }
  }
  const inWindow = (r: UsageRecord) => r.periodStart < end && r.periodEnd > start;
  let feedsMark: string | undefined;
  let invoicesMark: string | undefined;
  let buffer: UsageRecord[] = [];
  let rejected = 0;

  // 1. billing-event feed: files of months before the window cannot hold lines in it
  const firstMonth = start.slice(0, 7);
  const keep = (file: FeedFile) => {
    const modified = file.lastModified.toISOString();
    if (cursor?.feeds !== undefined && modified <= cursor.feeds) return false;
    const month = /year=(\d{4})\/month=(\d{2})\//.exec(file.key);
    if (month && `${month[1]}-${month[2]}` < firstMonth) return false;
    feedsMark = later(feedsMark, modified);
    return true;
  };
  for await (const row of readFeed(client, 'billing-event', signal, keep)) {
    const parsed = parseBillingEventRow(row.values);
    if (!parsed.ok) {
      rejected++;
      log.warn('feed row rejected', {
        file: row.file.key,
        line: row.line,
        field: parsed.field,
        reason: parsed.reason,
      });
      continue;
    }
    const record = usageOfBillingEvent(parsed.value, ctx);
    if (record && inWindow(record)) buffer.push(record);
    if (buffer.length >= config.recordsPerPage) {
      yield { source: USAGE_SOURCE, items: buffer };
      buffer = [];
    }
  }

  // 2. invoice line items per agreement (opt-in: one call per agreement at 10/s)
  if (config.invoiceLineItems) {
    const after = cursor?.invoices !== undefined ? new Date(cursor.invoices) : undefined;
    const limit = pLimit(config.concurrency);
    for await (const agreements of client.searchAgreements({}, signal)) {
      const lines = await Promise.all(
        agreements.map((a) =>
          limit(async () => {
            const out: UsageRecord[] = [];
            if (a.agreementId === undefined) return out;
            for await (const items of client.listInvoiceLineItems(a.agreementId, after, signal)) {
              for (const item of items) {
                invoicesMark = later(invoicesMark, item.issuedTime?.toISOString());
                const record = usageOfInvoiceLine(item, a, ctx);
                if (record && inWindow(record)) out.push(record);
              }
            }
            return out;
          }),
        ),
      );
      buffer.push(...lines.flat());
      if (buffer.length >= config.recordsPerPage) {
        yield { source: USAGE_SOURCE, items: buffer };
        buffer = [];
      }
    }
  }

  log.info('usage read', { rejectedRows: rejected, incremental: cursor !== undefined });
  const nextCursor = formatCursor({
    feeds: later(cursor?.feeds, feedsMark),
    invoices: later(cursor?.invoices, invoicesMark),
  });
  yield { source: USAGE_SOURCE, items: buffer, cursor: nextCursor };
}

function hasId(m: FoundationModelSummary): m is FoundationModelSummary & { modelId: string } {
  return typeof m.modelId === 'string';
}

function checkWindow(window: UsageWindow): UsageWindow {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
    throw new InputError(
      `usage window must be two ISO dates with start < end (got ${window.start}..${window.end})`,
      {
        field: 'window',
      },
    );
  }
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}
