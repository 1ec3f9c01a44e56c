import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { canonicalJson } from '../canonical-json.ts';
import { ConfigError, InputError } from '../errors.ts';
import { policyFileSchema, type LoadedPolicy, type Policy, type PolicyFile } from './schema.ts';

export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('./default-policy.yaml', import.meta.url));

function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.') || '(top level)';
}

/** Validates a parsed policy document; throws ConfigError naming the key. */
export function parsePolicyFile(doc: unknown, source: string): PolicyFile {
  const result = policyFileSchema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    let key = issuePath(issue);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (issue.path.length ? `${issuePath(issue)}.${k}` : k));
      key = keys.join(', ');
      message = `unknown key${keys.length > 1 ? 's' : ''}`;
    }
    throw new ConfigError(`${source}: policy key ${key}: ${message}`, key);
  }
  return result.data;
}

/** Applies the shipped defaults: nested objects merge key by key, `regions` and lists replace. */
export function resolvePolicy(file: PolicyFile, defaults: Policy, source = 'policy'): Policy {
  const regions = file.regions ?? defaults.regions;
  const policy: Policy = {
    id: file.id,
    version: file.version,
    regions: {
      ...(regions.restricted !== undefined ? { restricted: [...regions.restricted] } : {}),
      ...(regions.supported !== undefined ? { supported: [...regions.supported] } : {}),
    },
    origin: {
      entities: file.origin?.entities ?? defaults.origin.entities,
      persons: file.origin?.persons ?? defaults.origin.persons,
      states: file.origin?.states ?? defaults.origin.states,
    },
    threshold: {
      percent: file.threshold?.percent ?? defaults.threshold.percent,
      inclusive: file.threshold?.inclusive ?? defaults.threshold.inclusive,
    },
    method: file.method ?? defaults.method,
    aggregation: file.aggregation ?? defaults.aggregation,
    interests: { ownership: file.interests?.ownership ?? defaults.interests.ownership },
    control: {
      restricting: file.control?.restricting ?? defaults.control.restricting,
      indicative: file.control?.indicative ?? defaults.control.indicative,
    },
    unaccountedShares: file.unaccountedShares ?? defaults.unaccountedShares,
    unidentifiedOwners: file.unidentifiedOwners ?? defaults.unidentifiedOwners,
  };
  checkConsistency(policy, source);
  return policy;
}

function checkConsistency(policy: Policy, source: string): void {
  const { restricted, supported } = policy.regions;
  if (restricted === undefined && supported === undefined) {
    throw new ConfigError(
      `${source}: policy key regions: needs regions.restricted or regions.supported`,
      'regions',
    );
  }
  const both = (restricted ?? []).filter((c) => (supported ?? []).includes(c));
  if (both.length > 0) {
    throw new ConfigError(
      `${source}: policy key regions: ${both.join(', ')} in both regions.restricted and regions.supported`,
      'regions',
    );
  }
  const lists: Array<[string, readonly string[]]> = [
    ['interests.ownership', policy.interests.ownership],
    ['control.restricting', policy.control.restricting],
    ['control.indicative', policy.control.indicative],
  ];
  const seen = new Map<string, string>();
  for (const [key, list] of lists) {
    for (const t of list) {
      const first = seen.get(t);
      if (first !== undefined) {
        throw new ConfigError(`${source}: policy key ${key}: interest type ${t} is also in ${first}`, key);
      }
      seen.set(t, key);
    }
  }
}

export function policyHash(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}

function parseText(text: string, source: string): unknown {
  try {
    return source.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `${source}: policy is not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${String((err as Error).message)}`,
      undefined,
      { cause: err },
    );
  }
}

let shippedDefault: Policy | undefined;

/** The shipped default policy (src/policy/default-policy.yaml), resolved. */
export function defaultPolicy(): Policy {
  if (shippedDefault === undefined) {
    const doc = parseText(readFileSync(DEFAULT_POLICY_PATH, 'utf8'), DEFAULT_POLICY_PATH);
    const file = parsePolicyFile(doc, DEFAULT_POLICY_PATH);
    if (file.regions === undefined)
      throw new ConfigError('the shipped default policy has no regions', 'regions');
    const base = file as Required<PolicyFile>;
    // The shipped file sets every knob, so resolving it against itself is the identity.
    shippedDefault = resolvePolicy(
      file,
      {
        id: base.id,
        version: base.version,
        regions: base.regions,
        origin: base.origin,
        threshold: base.threshold,
        method: base.method,
        aggregation: base.aggregation,
        interests: base.interests,
        control: base.control,
        unaccountedShares: base.unaccountedShares,
        unidentifiedOwners: base.unidentifiedOwners,
      } as Policy,
      DEFAULT_POLICY_PATH,
    );
  }
  return structuredClone(shippedDefault);
}

export function loadedFrom(policy: Policy, source: string): LoadedPolicy {
  return { policy, source, ref: { id: policy.id, version: policy.version, sha256: policyHash(policy) } };
}

/** A policy from a document already parsed (e.g. a conformance case). */
export function policyFromDocument(doc: unknown, source: string): LoadedPolicy {
  return loadedFrom(resolvePolicy(parsePolicyFile(doc, source), defaultPolicy(), source), source);
}

/** Loads a policy file (YAML or JSON); without a path, the shipped default. */
export function loadPolicy(path?: string): LoadedPolicy {
  if (path === undefined) return loadedFrom(defaultPolicy(), 'shipped default');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read policy file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { file: path },
      { cause: err },
    );
  }
  return policyFromDocument(parseText(text, path), path);
}
