import assert from 'node:assert/strict';
import fc from 'fast-check';
import { components } from './scc.ts';

/** CSR (subject -> holders) from an edge list holder -> subject. */
function csr(n: number, edges: Array<[number, number]>): { start: Int32Array; holder: Int32Array } {
  const start = new Int32Array(n + 1);
  for (const [, s] of edges) start[s + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const holder = new Int32Array(edges.length);
  for (const [h, s] of edges) holder[fill[s]!++] = h;
  return { start, holder };
}

const none = (n: number) => ({ start: new Int32Array(n + 1), holder: new Int32Array(0) });

describe('components (iterative Tarjan)', () => {
  it('emits holders first and groups exactly the mutually reachable nodes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), {
              maxLength: 30,
            }),
          ),
        ),
        ([n, edges]) => {
          const a = csr(n, edges);
          const b = none(n);
          const cs = components(n, a.start, a.holder, b.start, b.holder);
          // reachability by brute force (holder -> subject)
          const reach = Array.from({ length: n }, (_, i) => {
            const seen = new Set([i]);
            const stack = [i];
            while (stack.length) {
              const x = stack.pop()!;
              for (const [h, s] of edges) {
                if (h !== x || seen.has(s)) continue;
                seen.add(s);
                stack.push(s);
              }
            }
            return seen;
          });
          for (let x = 0; x < n; x++)
            for (let y = 0; y < n; y++) {
              const same = reach[x]!.has(y) && reach[y]!.has(x);
              assert.equal(cs.comp[x] === cs.comp[y], same, `${x} ${y}`);
              // a holder's component is never emitted after its subject's
              if (reach[x]!.has(y)) assert.ok(cs.comp[x]! <= cs.comp[y]!);
            }
          assert.equal(cs.start[cs.count], n);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles a chain and a ring of a million nodes without recursion', () => {
    const n = 1_000_000;
    const chain: Array<[number, number]> = [];
    for (let i = 1; i < n; i++) chain.push([i, i - 1]); // i holds i - 1: the deepest holder is n - 1
    const a = csr(n, chain);
    const cs = components(n, a.start, a.holder, none(n).start, none(n).holder);
    assert.equal(cs.count, n);
    assert.equal(cs.order[0], n - 1);
    chain.push([0, n - 1]);
    const ring = csr(n, chain);
    assert.equal(components(n, ring.start, ring.holder, none(n).start, none(n).holder).count, 1);
  });
});
