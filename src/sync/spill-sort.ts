// An external sort for adapters that must join unsorted sources (feeds, reports, list APIs) on a
// key: entries are held in memory up to `runSize`, written to a temporary file as a sorted run,
// and merged back in key order at the end. Memory is bounded by `runSize` (plus one read buffer
// per run being merged, at most `fanIn`), whatever the number of entries.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export interface SpillOptions {
  /** entries held in memory before a sorted run is written to disk (default 10,000) */
  runSize?: number;
  /** runs merged at once; with more, the oldest are merged into one run first (default 8) */
  fanIn?: number;
  /** the folder the temporary files go under (default the OS temp folder) */
  dir?: string;
}

export interface SpillStats {
  added: number;
  /** sorted runs written to disk */
  runs: number;
  /** the most entries ever held in memory at once */
  peakInMemory: number;
}

export interface SpillSorter<T> {
  /** Adds one entry; resolves at once unless a run has to be written first. */
  add(key: string, value: T): Promise<void>;
  /**
   * Every entry in key order (plain string order); entries with the same key come in the order
   * they were added. Can be read once; the temporary files are removed when it ends or stops.
   */
  drain(): AsyncGenerator<[string, T]>;
  readonly stats: SpillStats;
  /** removes the temporary files (drain does it too); safe to call more than once */
  dispose(): Promise<void>;
}

// fanIn bounds the read buffers of a merge, so it decides whether memory grows with the sync's size:
// with 64, a sync's largest live heap grew from 50 MB at 100k tenants to 57 MB at 300k (more runs
// open at once); with 8 it was 52 MB at 300k, for a pass or two more over disk.
const DEFAULTS = { runSize: 10_000, fanIn: 8 };
/** bytes each run being merged reads at a time */
const READ_CHUNK = 16 * 1024;

/** Values must survive JSON (no Dates, no Maps): runs are stored as one JSON array per line. */
export function createSpillSorter<T>(options: SpillOptions = {}): SpillSorter<T> {
  const runSize = Math.max(1, options.runSize ?? DEFAULTS.runSize);
  const fanIn = Math.max(2, options.fanIn ?? DEFAULTS.fanIn);
  const stats: SpillStats = { added: 0, runs: 0, peakInMemory: 0 };
  let buffer: Array<[string, T]> = [];
  let folder: string | undefined;
  /** run files, oldest first: the order is what keeps equal keys in the order they were added */
  let runs: string[] = [];
  let drained = false;

  async function folderPath(): Promise<string> {
    folder ??= await mkdtemp(join(options.dir ?? tmpdir(), 'cg-spill-'));
    return folder;
  }

  async function writeRun(entries: AsyncIterable<[string, T]> | Iterable<[string, T]>): Promise<string> {
    const path = join(await folderPath(), `run-${stats.runs++}.ndjson`);
    const fh = await open(path, 'w');
    try {
      let chunk: string[] = [];
      for await (const e of entries) {
        chunk.push(JSON.stringify(e));
        if (chunk.length >= 1000) {
          await fh.write(chunk.join('\n') + '\n');
          chunk = [];
        }
      }
      if (chunk.length > 0) await fh.write(chunk.join('\n') + '\n');
    } finally {
      await fh.close();
    }
    return path;
  }

  async function spill(): Promise<void> {
    const sorted = buffer.sort(byKey); // Array#sort is stable: equal keys keep their order
    buffer = [];
    runs.push(await writeRun(sorted));
  }

  async function dispose(): Promise<void> {
    buffer = [];
    runs = [];
    if (folder !== undefined) {
      const f = folder;
      folder = undefined;
      await rm(f, { recursive: true, force: true });
    }
  }

  return {
    stats,
    dispose,
    async add(key, value) {
      if (drained) throw new Error('spill sorter already drained');
      buffer.push([key, value]);
      stats.added++;
      if (buffer.length > stats.peakInMemory) stats.peakInMemory = buffer.length;
      if (buffer.length >= runSize) await spill();
    },
    async *drain() {
      if (drained) throw new Error('spill sorter already drained');
      drained = true;
      try {
        if (runs.length === 0) {
          const sorted = buffer.sort(byKey);
          buffer = [];
          yield* sorted;
          return;
        }
        if (buffer.length > 0) await spill();
        // merge the oldest runs first, so the merged run can take their place at the front
        while (runs.length > fanIn) {
          const oldest = runs.splice(0, fanIn);
          const merged = await writeRun(merge(oldest.map(readRun<T>)));
          await Promise.all(oldest.map((p) => rm(p, { force: true })));
          runs.unshift(merged);
        }
        yield* merge(runs.map(readRun<T>));
      } finally {
        await dispose();
      }
    },
  };
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The entries of one run file, read READ_CHUNK bytes at a time (only as fast as they are consumed). */
async function* readRun<T>(path: string): AsyncGenerator<[string, T]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line !== '') yield JSON.parse(line) as [string, T];
    }
    const last = rest + decoder.end();
    if (last !== '') yield JSON.parse(last) as [string, T];
  } finally {
    stream.destroy();
  }
}

/** K-way merge by key; on equal keys the earlier source wins, so the merge is stable. */
async function* merge<T>(sources: Array<AsyncGenerator<[string, T]>>): AsyncGenerator<[string, T]> {
  // a binary heap of the sources' current heads, ordered by (key, source index)
  const heap: Array<{ entry: [string, T]; src: number }> = [];
  const less = (a: (typeof heap)[number], b: (typeof heap)[number]) =>
    a.entry[0] < b.entry[0] || (a.entry[0] === b.entry[0] && a.src < b.src);
  const push = (node: (typeof heap)[number]) => {
    heap.push(node);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  try {
    for (let src = 0; src < sources.length; src++) {
      const r = await sources[src]!.next();
      if (!r.done) push({ entry: r.value, src });
    }
    while (heap.length > 0) {
      const top = pop();
      yield top.entry;
      const r = await sources[top.src]!.next();
      if (!r.done) push({ entry: r.value, src: top.src });
    }
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}

/** Consecutive entries with the same key, as one group (a sorted stream gives each key once). */
export async function* groupByKey<T>(
  entries: AsyncIterable<[string, T]>,
): AsyncGenerator<{ key: string; values: T[] }> {
  let current: { key: string; values: T[] } | undefined;
  for await (const [key, value] of entries) {
    if (current && current.key === key) {
      current.values.push(value);
      continue;
    }
    if (current) yield current;
    current = { key, values: [value] };
  }
  if (current) yield current;
}
