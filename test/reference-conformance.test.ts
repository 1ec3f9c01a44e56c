// The reference implementation used by the differential test must itself pass every conformance
// case, or the differential test would be checking against a wrong oracle.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mapBodsStatement } from '../src/ingest/bods-map.ts';
import type { AnyStatement } from '../src/model/types.ts';
import { defaultPolicy, policyFromDocument } from '../src/policy/load.ts';
import { referenceEvaluate } from './reference/control-rule.ts';

const CASES = fileURLToPath(new URL('../../shared/cases/', import.meta.url));

describe('reference control rule (the differential oracle) on the conformance cases', () => {
  const files = readdirSync(CASES)
    .filter((f) => f.endsWith('.json'))
    .sort();
  it('finds the cases', () => assert.ok(files.length >= 40, `only ${files.length} cases in ${CASES}`));
  for (const file of files) {
    it(file, () => {
      const c = JSON.parse(readFileSync(CASES + file, 'utf8')) as {
        policy: unknown;
        asOf: string;
        statements: unknown[];
        expect: Record<string, string>;
      };
      const statements: AnyStatement[] = [];
      for (const raw of c.statements) {
        for (const item of mapBodsStatement(raw, { file })) {
          assert.equal(item.kind, 'statement', JSON.stringify(item));
          if (item.kind === 'statement') statements.push(item.statement);
        }
      }
      const policy = c.policy === null ? defaultPolicy() : policyFromDocument(c.policy, file).policy;
      const out = referenceEvaluate(statements, policy, c.asOf);
      for (const [id, expected] of Object.entries(c.expect))
        assert.equal(out.get(id)?.decision, expected, id);
    });
  }
});
