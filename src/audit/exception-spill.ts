// One partner's exception rows for this run, kept on disk between deciding and reporting: a JSON
// Lines file beside the partner's report folders, named like a temporary report folder so a
// crashed run's file is removed by the next run (removeStaleTemp). Rows arrive in the order the
// store streams tenants, which is the report's code-unit key order on PGlite and on servers with
// the C collation; any other order is sorted when read back (keys and offsets only in memory).
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ReportError } from '../errors.ts';
import type { ReportTenant } from '../report/index.ts';

const FLUSH_BYTES = 1 << 20;

export class ExceptionSpill {
  private pending: string[] = [];
  private pendingBytes = 0;
  private last: string | undefined;
  private inOrder = true;
  private closed = false;
  count = 0;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  /** A new spill file in `partnerDir` for run `runId`. */
  static async create(partnerDir: string, runId: string): Promise<ExceptionSpill> {
    await mkdir(partnerDir, { recursive: true });
    const path = join(partnerDir, `${runId}-exceptions.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    return new ExceptionSpill(path, await open(path, 'wx', 0o600));
  }

  /** Appends one row (`json` is the row as one line of JSON, with `tenantKey`). */
  async add(tenantKey: string, json: string): Promise<void> {
    if (this.closed) throw new ReportError(`exception spill ${this.path} is closed`);
    if (this.last !== undefined && !(tenantKey > this.last)) this.inOrder = false;
    this.last = tenantKey;
    this.pending.push(json, '\n');
    this.pendingBytes += json.length + 1;
    this.count++;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(text);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    await this.file.close();
    this.closed = true;
  }

  /** The rows in code-unit key order, one at a time (call after close). */
  async *rows(): AsyncGenerator<ReportTenant> {
    if (!this.closed) throw new ReportError(`exception spill ${this.path} is still open`);
    if (this.inOrder) {
      for await (const line of lines(this.path)) yield JSON.parse(line) as ReportTenant;
      return;
    }
    // Out of order (a server collation other than C): sort keys with their byte ranges, then read each row.
    const index: Array<{ key: string; at: number; length: number }> = [];
    let at = 0;
    for await (const line of lines(this.path)) {
      const length = Buffer.byteLength(line) + 1;
      index.push({ key: (JSON.parse(line) as ReportTenant).tenantKey, at, length });
      at += length;
    }
    index.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const file = await open(this.path, 'r');
    try {
      for (const { at: position, length } of index) {
        const buf = Buffer.alloc(length);
        await file.read(buf, 0, length, position);
        yield JSON.parse(buf.toString('utf8', 0, length - 1)) as ReportTenant;
      }
    } finally {
      await file.close();
    }
  }

  /** Closes and deletes the file (after the report is written, or when it is withheld). */
  async remove(): Promise<void> {
    if (!this.closed) await this.file.close().catch(() => {});
    this.closed = true;
    await rm(this.path, { force: true });
  }
}

function lines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}
