// The Customer Insights rows by account id, on disk. The rows are sorted through the spill sorter
// (the last row of an account wins, as daily and incremental reports restate earlier days) into
// one file of `"accountId" TAB json` lines (the id as a JSON string, so no id can break a line); memory keeps every `every`-th account id and its byte
// offset (a sparse index), so a report of a million accounts costs a few hundred KB, not a Map of
// a million records. A page's lookups read each block they need once, with one positioned read.
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpillSorter, groupByKey, type SpillOptions } from '../../src/sync/spill-sort.ts';
import type { InsightsInfo } from './map.ts';

export interface InsightsIndexOptions {
  /** the sorter's settings; its folder also holds the index file (default: the OS temp folder) */
  spill?: SpillOptions;
  /** accounts per block of the sparse index (default 32) */
  every?: number;
}

export interface InsightsIndex {
  /** accounts in the report */
  readonly size: number;
  /** the rows of these accounts that the report has */
  get(accountIds: readonly string[]): Promise<Map<string, InsightsInfo>>;
  /** removes the index file; safe to call more than once */
  close(): Promise<void>;
}

/** Sorts the rows (in report order) to disk and opens the index over them. */
export async function buildInsightsIndex(
  rows: AsyncIterable<InsightsInfo>,
  options: InsightsIndexOptions = {},
): Promise<InsightsIndex> {
  const every = Math.max(1, options.every ?? 32);
  const sorter = createSpillSorter<InsightsInfo>(options.spill);
  const folder = await mkdtemp(join(options.spill?.dir ?? tmpdir(), 'cg-insights-'));
  let fh: FileHandle | undefined;
  try {
    for await (const info of rows) await sorter.add(info.accountId, info);
    const path = join(folder, 'insights.tsv');
    fh = await open(path, 'wx+', 0o600);
    /** the first account id of each block, and where its line starts; offsets ends with the file's size */
    const firsts: string[] = [];
    const offsets: number[] = [];
    let at = 0;
    let size = 0;
    let pending: string[] = [];
    let pendingChars = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const buf = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingChars = 0;
      await fh!.write(buf);
    };
    for await (const { key, values } of groupByKey(sorter.drain())) {
      const line = `${JSON.stringify(key)}\t${JSON.stringify(values[values.length - 1])}\n`;
      if (size % every === 0) {
        firsts.push(key);
        offsets.push(at);
      }
      size++;
      at += Buffer.byteLength(line, 'utf8');
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars >= 1 << 20) await flush();
    }
    await flush();
    offsets.push(at);
    return openIndex(folder, fh, firsts, offsets, size);
  } catch (err) {
    await fh?.close().catch(() => {});
    await sorter.dispose();
    await rm(folder, { recursive: true, force: true });
    throw err;
  }
}

function openIndex(
  folder: string,
  fh: FileHandle,
  firsts: readonly string[],
  offsets: readonly number[],
  size: number,
): InsightsIndex {
  let closed = false;
  /** the block whose first id is the last one <= id, or -1 */
  const blockOf = (id: string): number => {
    let lo = 0;
    let hi = firsts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (firsts[mid]! <= id) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  return {
    size,
    async get(accountIds) {
      if (closed) throw new Error('the Customer Insights index is closed');
      const out = new Map<string, InsightsInfo>();
      const byBlock = new Map<number, string[]>();
      for (const id of new Set(accountIds)) {
        const b = blockOf(id);
        if (b < 0) continue;
        const ids = byBlock.get(b);
        if (ids) ids.push(id);
        else byBlock.set(b, [id]);
      }
      for (const [b, ids] of byBlock) {
        const length = offsets[b + 1]! - offsets[b]!;
        const buf = Buffer.allocUnsafe(length);
        const { bytesRead } = await fh.read(buf, 0, length, offsets[b]!);
        // a leading newline lets every line, the first included, be found as "\n<id>\t"
        const text = `\n${buf.toString('utf8', 0, bytesRead)}`;
        for (const id of ids) {
          const head = `\n${JSON.stringify(id)}\t`;
          const start = text.indexOf(head);
          if (start < 0) continue;
          const from = start + head.length;
          const end = text.indexOf('\n', from);
          out.set(id, JSON.parse(text.slice(from, end < 0 ? text.length : end)) as InsightsInfo);
        }
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close().catch(() => {});
      await rm(folder, { recursive: true, force: true });
    },
  };
}
