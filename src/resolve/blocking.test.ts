import assert from 'node:assert/strict';
import { createEntity } from '../model/factories.ts';
import type { Party } from '../model/types.ts';
import { MAX_SCORED } from './blocking.ts';
import { createEntityIndex } from './entity-index.ts';
import { matchTenant, type TenantLike } from './match.ts';

// A registry where one distinctive word is shared by far more names than are scored in full, so
// the pre-rank decides what the matcher sees.
const COUNTRIES = ['GB', 'US', 'DE', 'FR', 'JP', 'SG', 'IN', 'AU'];
function crowd(): Party[] {
  const out: Party[] = [];
  for (let i = 0; i < 8 * MAX_SCORED; i++)
    out.push(
      createEntity({
        id: `zephyr-${String(i).padStart(3, '0')}`,
        name:
          i % 3 === 0
            ? 'Zephyr Data Ltd'
            : i % 3 === 1
              ? 'Zephyr Technology Ltd'
              : 'Zephyr Orchard Media Ltd',
        headquarters: [COUNTRIES[i % COUNTRIES.length]!],
      }),
    );
  // the only one in New Zealand, last in registry order, its name one stop word longer
  out.push(createEntity({ id: 'zephyr-nz', name: 'Zephyr Data Group Limited', headquarters: ['NZ'] }));
  out.push(createEntity({ id: 'orchard-nz', name: 'Orchard Kiwi Media Limited', headquarters: ['NZ'] }));
  return out;
}

/** a fixed permutation (seeded), so the test itself is deterministic */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let a = seed;
  for (let i = out.length - 1; i > 0; i--) {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    const j = a % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const tenants: TenantLike[] = [
  { legalName: 'ZEPHYR DATA LTD', countryCode: 'NZ' },
  { legalName: 'Zephyr Data Ltd' },
  { legalName: 'Zephyr Data Ltd', countryCode: 'DE' },
  { legalName: 'Zephyr Technology', countryCode: 'JP' },
  { legalName: 'Zephir Orchard Media', countryCode: 'NZ' },
  { legalName: 'Orchard Media', countryCode: 'NZ' },
];

describe('blocking: candidates from crowded name blocks', () => {
  const registry = crowd();
  const index = createEntityIndex(registry);

  it("finds the one entity in the tenant's country behind a crowd of the same name elsewhere", () => {
    const r = matchTenant(index, tenants[0]!);
    assert.equal(r.status, 'matched', r.explanation.join('\n'));
    assert.equal(r.entityId, 'zephyr-nz');
  });

  it('shows the exact names before longer ones at an equal (capped) score', () => {
    const r = matchTenant(index, tenants[2]!);
    assert.equal(r.status, 'review');
    const shown = r.candidates.map((c) => registry.find((p) => p.id === c.entityId)!.name);
    assert.deepEqual(
      shown,
      shown.map(() => 'Zephyr Data Ltd'),
      r.explanation.join('\n'),
    );
  });

  it('gives the same bytes whatever the order of the registry', () => {
    const want = tenants.map((t) => JSON.stringify(matchTenant(index, t)));
    for (const seed of [1, 2, 3]) {
      const other = createEntityIndex(shuffled(registry, seed));
      assert.deepEqual(
        tenants.map((t) => JSON.stringify(matchTenant(other, t))),
        want,
        `registry shuffled with seed ${seed}`,
      );
    }
  });
});

describe('blocking: more country sets than a posting can name', () => {
  // 2,100 distinct sets of countries come first, so the entities after them have set ids past
  // what the posting summary holds (COUNTRY_OVERFLOW): their country is read from the entity.
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const code = (i: number) => letters[Math.floor(i / 26) % 26]! + letters[i % 26]!;
  const registry: Party[] = [];
  for (let i = 0; i < 2100; i++)
    registry.push(
      createEntity({
        id: `filler-${i}`,
        name: `Filler ${i}`,
        headquarters: [code(i % 600), code(600 + (i % 7))],
      }),
    );
  for (let i = 0; i < 3 * MAX_SCORED; i++)
    registry.push(createEntity({ id: `quasar-${i}`, name: 'Quasar Data Ltd', headquarters: ['GB'] }));
  registry.push(createEntity({ id: 'quasar-nz', name: 'Quasar Data Group Ltd', headquarters: ['NZ'] }));
  const index = createEntityIndex(registry);

  it("still ranks by the tenant's country", () => {
    const r = matchTenant(index, { legalName: 'Quasar Data', countryCode: 'NZ' });
    assert.equal(r.status, 'matched', r.explanation.join('\n'));
    assert.equal(r.entityId, 'quasar-nz');
    assert.deepEqual(r.candidates[0]!.matched, ['name', 'country']);
  });
});
