// A matcher thread: attaches to the index's shared arrays (no copy, no rebuild) and matches the
// batches it is sent, answering each with its results in order or with the first tenant that failed.
import { parentPort, workerData } from 'node:worker_threads';
import { attachEntityIndex, type EntityIndexSnapshot } from './entity-index.ts';
import { matchTenant, type MatchResult, type TenantLike } from './match.ts';
import { packResults } from './match-wire.ts';

export interface BatchRequest {
  id: number;
  tenants: TenantLike[];
}

export type BatchReply =
  { id: number; packed: unknown[] } | { id: number; failed: { at: number; message: string; stack?: string } };

const port = parentPort!;
const index = attachEntityIndex((workerData as { snapshot: EntityIndexSnapshot }).snapshot);

port.on('message', ({ id, tenants }: BatchRequest) => {
  const results: MatchResult[] = [];
  for (let at = 0; at < tenants.length; at++) {
    try {
      results.push(matchTenant(index, tenants[at]!));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id, failed: { at, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } });
      return;
    }
  }
  port.postMessage({ id, packed: packResults(results) } satisfies BatchReply);
});
