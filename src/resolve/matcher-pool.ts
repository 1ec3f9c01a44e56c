// Matching on worker threads over one shared index: each thread attaches to the index's shared
// arrays (no copy, no rebuild) and matches batches of tenants; results come back in input order,
// the same bytes as matchTenant in this thread. Idle threads do not keep the process alive.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ChannelguardError, ConfigError } from '../errors.ts';
import type { EntityIndex } from './entity-index.ts';
import { matchTenant, type MatchResult, type TenantLike } from './match.ts';
import type { BatchReply, BatchRequest } from './match-worker-main.ts';
import { unpackResults } from './match-wire.ts';

export interface MatcherPoolOptions {
  /** threads matching at once: 1 matches on the caller's thread; default os.availableParallelism() */
  workers?: number;
  /** tenants per message to a thread (default 256) */
  batchSize?: number;
}

export interface ResolvedMatcherPoolOptions {
  workers: number;
  batchSize: number;
}

/** A tenant could not be matched, or the pool could not match (a thread stopped, the pool closed). */
export class MatcherPoolError extends ChannelguardError {
  override readonly name: string = 'MatcherPoolError';
}

export interface MatcherPool {
  /** threads matching at once (1: the caller's) */
  readonly workers: number;
  /** matchTenant for each tenant, in input order */
  matchMany(tenants: readonly TenantLike[]): Promise<MatchResult[]>;
  /** stops the threads; calls still waiting are rejected */
  close(): Promise<void>;
}

export function resolveMatcherPoolOptions(input: MatcherPoolOptions = {}): ResolvedMatcherPoolOptions {
  const workers = input.workers ?? Math.max(1, availableParallelism());
  const batchSize = input.batchSize ?? 256;
  for (const [key, v] of [
    ['workers', workers],
    ['batchSize', batchSize],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw new ConfigError(`${key} must be a whole number >= 1, not ${v}`, key);
  return { workers, batchSize };
}

/** Only the fields matchTenant reads cross to a thread (a stored tenant carries much more). */
function matchFields(t: TenantLike): TenantLike {
  const out: TenantLike = {};
  if (t.legalName !== undefined) out.legalName = t.legalName;
  if (t.displayName !== undefined) out.displayName = t.displayName;
  if (t.countryCode !== undefined) out.countryCode = t.countryCode;
  if (t.domain !== undefined) out.domain = t.domain;
  if (t.registrationIds !== undefined)
    out.registrationIds = t.registrationIds.map(({ scheme, id }) => ({ scheme, id }));
  return out;
}

const whichTenant = (tenants: readonly TenantLike[], at: number): string => {
  const t = tenants[at];
  const name = t?.legalName ?? t?.displayName;
  // (a name that is not text is bad input: it is named by its place alone)
  const shown = typeof name === 'string' || typeof name === 'number' ? ` ("${name}")` : '';
  return `tenant ${at + 1} of ${tenants.length}${shown}`;
};

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function createMatcherPool(index: EntityIndex, options: MatcherPoolOptions = {}): MatcherPool {
  const { workers, batchSize } = resolveMatcherPoolOptions(options);
  return workers === 1 ? inProcess(index) : threaded(index, workers, batchSize);
}

function inProcess(index: EntityIndex): MatcherPool {
  let closed = false;
  return {
    workers: 1,
    async matchMany(tenants) {
      if (closed) throw new MatcherPoolError('the matcher pool is closed');
      return tenants.map((t, at) => {
        try {
          return matchTenant(index, t);
        } catch (err) {
          throw new MatcherPoolError(`matching ${whichTenant(tenants, at)} failed: ${messageOf(err)}`, {
            cause: err,
          });
        }
      });
    },
    async close() {
      closed = true;
    },
  };
}

/** One matchMany call: its results fill in as batches come back. */
interface Call {
  tenants: readonly TenantLike[];
  results: MatchResult[];
  waiting: number;
  settled: boolean;
  resolve: (r: MatchResult[]) => void;
  reject: (e: Error) => void;
}

interface Batch {
  call: Call;
  offset: number;
  end: number;
}

/** batches a thread holds at once: the next is queued there while it matches one */
const IN_FLIGHT = 2;

function threaded(index: EntityIndex, count: number, batchSize: number): MatcherPool {
  const queue: Batch[] = [];
  let nextId = 1;
  let broken: Error | undefined;

  const settle = (call: Call, err?: Error) => {
    if (call.settled) return;
    call.settled = true;
    if (err) call.reject(err);
    else call.resolve(call.results);
  };

  // a thread that stops or fails takes the pool down: every call waiting on it is rejected
  const fail = (err: Error) => {
    if (broken) return;
    broken = err;
    for (const b of queue.splice(0)) settle(b.call, err);
    for (const s of slots) {
      for (const b of s.flight.values())
        settle(
          b.call,
          new MatcherPoolError(`${err.message} while matching ${whichTenant(b.call.tenants, b.offset)}`, {
            cause: err,
          }),
        );
      s.flight.clear();
      s.worker.unref();
    }
    void Promise.all(slots.map((s) => s.worker.terminate()));
  };

  const snapshot = index.snapshot();
  const slots = Array.from({ length: count }, (_, n) => {
    const worker = new Worker(new URL('./match-worker.js', import.meta.url), {
      workerData: { snapshot },
      // the entry registers tsx itself; inheriting a loader from the command line would load it twice
      execArgv: [],
      name: `channelguard-matcher-${n + 1}`,
    });
    worker.unref();
    const slot = { worker, flight: new Map<number, Batch>() };
    worker.on('message', (reply: BatchReply) => {
      const b = slot.flight.get(reply.id);
      if (!b) return;
      slot.flight.delete(reply.id);
      if (slot.flight.size === 0) worker.unref();
      const { call } = b;
      if ('failed' in reply) {
        const at = b.offset + reply.failed.at;
        const cause = Object.assign(
          new Error(reply.failed.message),
          reply.failed.stack ? { stack: reply.failed.stack } : {},
        );
        settle(
          call,
          new MatcherPoolError(`matching ${whichTenant(call.tenants, at)} failed: ${reply.failed.message}`, {
            cause,
          }),
        );
      } else if (!call.settled) {
        const results = unpackResults(reply.packed);
        for (let i = 0; i < results.length; i++) call.results[b.offset + i] = results[i]!;
        if (--call.waiting === 0) settle(call);
      }
      pump();
    });
    worker.on('error', (err) =>
      fail(new MatcherPoolError(`a matcher thread failed: ${err.message}`, { cause: err })),
    );
    worker.on('exit', (code) => fail(new MatcherPoolError(`a matcher thread stopped (exit code ${code})`)));
    return slot;
  });

  const pump = () => {
    for (const slot of slots) {
      while (slot.flight.size < IN_FLIGHT && queue.length > 0) {
        const b = queue.shift()!;
        if (b.call.settled) continue; // a batch before it failed
        const id = nextId++;
        if (slot.flight.size === 0) slot.worker.ref();
        slot.flight.set(id, b);
        try {
          const tenants = b.call.tenants.slice(b.offset, b.end).map(matchFields);
          slot.worker.postMessage({ id, tenants } satisfies BatchRequest);
        } catch (err) {
          // a tenant that cannot be copied to a thread (not plain data): this call fails, the pool goes on
          slot.flight.delete(id);
          if (slot.flight.size === 0) slot.worker.unref();
          settle(
            b.call,
            new MatcherPoolError(
              `cannot send ${whichTenant(b.call.tenants, b.offset)} (or one of the next ${b.end - b.offset - 1}) ` +
                `to a matcher thread: ${messageOf(err)}`,
              { cause: err },
            ),
          );
        }
      }
    }
  };

  return {
    workers: count,
    matchMany(tenants) {
      if (broken) return Promise.reject(broken);
      if (tenants.length === 0) return Promise.resolve([]);
      return new Promise<MatchResult[]>((resolve, reject) => {
        const call: Call = {
          tenants,
          results: new Array<MatchResult>(tenants.length),
          waiting: Math.ceil(tenants.length / batchSize),
          settled: false,
          resolve,
          reject,
        };
        for (let offset = 0; offset < tenants.length; offset += batchSize)
          queue.push({ call, offset, end: Math.min(tenants.length, offset + batchSize) });
        pump();
      });
    },
    async close() {
      fail(new MatcherPoolError('the matcher pool is closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
