// The build-time solve order: every node once, each after its holders, and the blocks exactly the
// cycles of in-force relationships.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { solveOrder } from './solve-order.ts';

const DORMANT = 8;

/** Relationships grouped by subject, from (holder, subject, flags) triples (holder -1: none). */
function grouped(n: number, rels: Array<[number, number, number]>) {
  const sorted = [...rels].sort((a, b) => a[1] - b[1]);
  const subjStart = new Int32Array(n + 1);
  for (const [, s] of sorted) subjStart[s + 1]!++;
  for (let i = 0; i < n; i++) subjStart[i + 1]! += subjStart[i]!;
  return {
    subjStart,
    relHolder: Int32Array.from(sorted.map((r) => r[0])),
    relFlags: Uint8Array.from(sorted.map((r) => r[2])),
  };
}

/** Nodes reachable from each node over live links holder -> subject, by brute force. */
function reach(n: number, rels: Array<[number, number, number]>): Array<Set<number>> {
  const live = rels.filter(([h, s, f]) => h >= 0 && h !== s && !(f & DORMANT));
  return Array.from({ length: n }, (_, i) => {
    const seen = new Set([i]);
    const stack = [i];
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (const [h, s] of live)
        if (h === x && !seen.has(s)) {
          seen.add(s);
          stack.push(s);
        }
    }
    return seen;
  });
}

describe('solveOrder (build-time order, holders first)', () => {
  it('places every node once, after its holders; blocks are exactly the cycles', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 25 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(
                fc.tuple(
                  fc.integer({ min: -1, max: n - 1 }),
                  fc.integer({ min: 0, max: n - 1 }),
                  fc.constantFrom(0, 0, 0, DORMANT, 2),
                ),
                { maxLength: 3 * n },
              ),
            ),
          ),
        ([n, rels]) => {
          const { subjStart, relHolder, relFlags } = grouped(n, rels);
          const { order, blocks } = solveOrder(n, subjStart, relHolder, relFlags, DORMANT);
          assert.deepEqual(
            [...order].sort((a, b) => a - b),
            [...Array(n).keys()],
          );
          const pos = new Int32Array(n);
          order.forEach((v, i) => (pos[v] = i));
          const block = new Int32Array(n).fill(-1);
          for (let b = 0; b < blocks.length; b += 2) {
            assert.ok(blocks[b + 1]! - blocks[b]! > 1, 'a block holds more than one node');
            for (let i = blocks[b]!; i < blocks[b + 1]!; i++) block[order[i]!] = b;
          }
          const r = reach(n, rels);
          for (let a = 0; a < n; a++)
            for (let b = 0; b < n; b++) {
              if (a === b) continue;
              const cyclic = r[a]!.has(b) && r[b]!.has(a);
              assert.equal(block[a]! >= 0 && block[a] === block[b], cyclic, `nodes ${a} and ${b}`);
              // a holder (transitively) comes first, unless both sit in one cycle
              if (r[a]!.has(b) && !cyclic) assert.ok(pos[a]! < pos[b]!, `${a} holds into ${b}`);
            }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('orders a long chain and a ring without recursion', () => {
    const n = 200_000;
    const chain: Array<[number, number, number]> = [];
    for (let i = 1; i < n; i++) chain.push([i, i - 1, 0]); // node i holds node i - 1
    let g = grouped(n, chain);
    let o = solveOrder(n, g.subjStart, g.relHolder, g.relFlags, DORMANT);
    assert.equal(o.blocks.length, 0);
    assert.deepEqual(o.order.subarray(0, 3), Int32Array.from([n - 1, n - 2, n - 3]));
    g = grouped(n, [...chain, [0, n - 1, 0]]);
    o = solveOrder(n, g.subjStart, g.relHolder, g.relFlags, DORMANT);
    assert.deepEqual([...o.blocks], [0, n]);
  });
});
