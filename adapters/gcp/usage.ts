// Usage: the Charges and usage report files (by account), streamed row by row into UsageRecord
// pages. Rows outside the window are skipped; a malformed row stops the stream with an InputError
// naming the file, line and column (fail closed: spend is never silently under-counted).
import type { ListOptions, Page, UsageRecord } from '../../src/adapter.ts';
import { ConfigError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { GcpConfig } from './config.ts';
import { mapChargesRow, SOURCE_CHARGES } from './map.ts';
import { CHARGES_FILE, CHARGES_REQUIRED, csvRows, reportFiles } from './reports.ts';
import { basename } from 'node:path';

export interface UsageContext {
  config: GcpConfig;
  logger: Logger;
}

/**
 * `charges:<window>|<file>:<line>`: the last row already delivered for that window; a resumed run
 * with the same window skips rows up to it. A cursor for another window is ignored, since rows
 * skipped as out of window then were never delivered.
 */
function parseCursor(
  cursor: string | undefined,
  windowKey: string,
): { file: string; line: number } | undefined {
  const m = cursor === undefined ? null : /^charges:([^|]*)\|(.+):(\d+)$/.exec(cursor);
  return m && m[1] === windowKey ? { file: m[2]!, line: Number(m[3]) } : undefined;
}

export async function* gcpUsagePages(
  ctx: UsageContext,
  window: { start: string; end: string },
  options: ListOptions = {},
): AsyncGenerator<Page<UsageRecord>> {
  const { config, logger } = ctx;
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
    throw new ConfigError(`usage window ${window.start}..${window.end} is not a valid interval`, 'window');
  }
  if (config.reportsDir === undefined) {
    logger.warn('no reportsDir: Google usage comes only from the Charges and usage report; none read', {
      cloud: 'gcp',
    });
    return;
  }
  const windowKey = `${window.start}/${window.end}`;
  const resume = parseCursor(options.cursor, windowKey);
  const files = await reportFiles(config.reportsDir, CHARGES_FILE);
  if (files.length === 0)
    logger.warn('no Charges and usage report in the reports folder', {
      cloud: 'gcp',
      dir: config.reportsDir,
    });
  let items: UsageRecord[] = [];
  let cursor = '';
  for (const path of files) {
    const name = basename(path);
    if (resume && name < resume.file) continue;
    for await (const { row, file, line } of csvRows(path, CHARGES_REQUIRED)) {
      options.signal?.throwIfAborted();
      if (resume && name === resume.file && line <= resume.line) continue;
      for (const rec of mapChargesRow(row, { file, line })) {
        if (Date.parse(rec.periodEnd) > start && Date.parse(rec.periodStart) < end) items.push(rec);
      }
      cursor = `charges:${windowKey}|${file}:${line}`;
      if (items.length >= config.usagePageSize) {
        yield { source: SOURCE_CHARGES, items, cursor };
        items = [];
      }
    }
  }
  if (items.length > 0 || cursor !== '')
    yield { source: SOURCE_CHARGES, items, ...(cursor ? { cursor } : {}) };
}
