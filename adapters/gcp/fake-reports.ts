// Writes the fake's report rows as the CSV files a partner downloads from the Producer Portal /
// the reports bucket: one Customer Insights file and one Charges and usage file per month.
// Column names are our best reading of Google's pages, not a verified list (see README).
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { GcpChargesRow, GcpFakeState, GcpInsightsRow } from './fake-state.ts';

export const INSIGHTS_COLUMNS: ReadonlyArray<keyof GcpInsightsRow> = [
  'report_date',
  'external_account_id',
  'customer_name',
  'customer_country',
  'customer_domain',
  'billing_account_id',
  'product_external_name',
];

export const CHARGES_COLUMNS: ReadonlyArray<readonly [string, keyof GcpChargesRow]> = [
  ['Month', 'month'],
  ['Account ID', 'accountId'],
  ['Insights Account ID', 'insightsAccountId'],
  ['SKU ID', 'skuId'],
  ['SKU Description', 'skuDescription'],
  ['Location', 'location'],
  ['Usage', 'usage'],
  ['Usage Unit', 'usageUnit'],
  ['Charges', 'charges'],
  ['Currency', 'currency'],
];

export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writeCsv(path: string, header: string[], rows: Iterable<string[]>): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(header.map(csvField).join(',') + '\n');
  let batch = '';
  for (const row of rows) {
    batch += row.map(csvField).join(',') + '\n';
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  out.end();
  await once(out, 'finish');
}

/** Writes `customer_insights.csv` and `charges_and_usage_YYYY-MM.csv` files; returns their paths, sorted. */
export async function writeGcpReports(state: GcpFakeState, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  const insightsPath = join(dir, 'customer_insights.csv');
  await writeCsv(
    insightsPath,
    [...INSIGHTS_COLUMNS],
    state.insights.map((r) => INSIGHTS_COLUMNS.map((c) => r[c])),
  );
  paths.push(insightsPath);
  const months = [...new Set(state.charges.map((r) => r.month))].sort();
  for (const month of months) {
    const path = join(dir, `charges_and_usage_${month}.csv`);
    const rows = state.charges.filter((r) => r.month === month);
    await writeCsv(
      path,
      CHARGES_COLUMNS.map(([h]) => h),
      rows.map((r) => CHARGES_COLUMNS.map(([, k]) => String(r[k]))),
    );
    paths.push(path);
  }
  return paths.sort();
}
