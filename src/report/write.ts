// Crash-only writing: a report folder is written as DIR.tmp-<pid>-<random>, every file and the
// folder fsynced, then renamed into place. A leftover *.tmp-* of a process that no longer runs
// is removed by the next build in the same parent folder.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { open, mkdir, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ReportError } from '../errors.ts';
import type { Logger } from '../log.ts';

const FLUSH_AT = 1 << 16;
const TMP = /^.+\.tmp-(\d+)-[0-9a-f]+$/;

/** An append-only file that hashes and counts what it writes; closing fsyncs it. */
export class FileSink {
  private chunks: string[] = [];
  private pending = 0;
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  private constructor(
    readonly name: string,
    private readonly fh: FileHandle,
  ) {}

  static async create(dir: string, name: string): Promise<FileSink> {
    return new FileSink(name, await open(join(dir, name), 'wx', 0o644));
  }

  async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    this.hash.update(buf);
    this.size += buf.length;
    await this.fh.write(buf);
  }

  /** flushes, fsyncs and closes; returns the file's sha256 (hex) */
  async close(): Promise<{ name: string; size: number; sha256: string }> {
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    return { name: this.name, size: this.size, sha256: this.hash.digest('hex') };
  }

  /** closes without caring about the content (the folder is being discarded) */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => {});
  }
}

export async function writeWhole(dir: string, name: string, bytes: Buffer | string): Promise<void> {
  const fh = await open(join(dir, name), 'wx', 0o644);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes *.tmp-<pid>-<hex> folders in `parent` whose writing process is gone. Returns their names. */
export async function removeStaleTemp(parent: string, logger?: Logger): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    const m = TMP.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    // A crashed run is another process; our own pid's folders may belong to a build in progress.
    if (pid === process.pid || processAlive(pid)) continue;
    await rm(join(parent, name), { recursive: true, force: true });
    removed.push(name);
    logger?.warn('removed a partial report folder left by a crashed run', { folder: name });
  }
  return removed;
}

/** A temporary sibling folder of `finalDir`; `commit` fsyncs and renames it into place. */
export async function startTempDir(
  finalDir: string,
  logger?: Logger,
): Promise<{
  path: string;
  commit: () => Promise<void>;
  discard: () => Promise<void>;
}> {
  const parent = dirname(finalDir);
  await mkdir(parent, { recursive: true });
  await removeStaleTemp(parent, logger);
  if (await exists(finalDir))
    throw new ReportError(`report folder ${finalDir} already exists; a signed report is never overwritten`);
  const path = join(parent, `${basename(finalDir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(path, { mode: 0o755 });
  return {
    path,
    async commit() {
      await fsyncDir(path);
      if (await exists(finalDir))
        throw new ReportError(`report folder ${finalDir} appeared while writing; not overwritten`);
      await rename(path, finalDir);
      await fsyncDir(parent);
    },
    async discard() {
      await rm(path, { recursive: true, force: true });
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
