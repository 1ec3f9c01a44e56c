// Validates one BODS statement against the standard's own 0.4 JSON schema (vendored in
// ./bods-schema), so required fields, codelists, types, dates and the record type / details
// consistency are exactly the standard's.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

const SCHEMA_DIR = new URL('./bods-schema/', import.meta.url);
const SCHEMA_FILES = ['components', 'entity-record', 'person-record', 'relationship-record', 'statement'];

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

const BASE = 'https://schema.bods.invalid/0.4/';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled !== undefined) return compiled;
  // strict: false because the schema carries its own annotation keywords (codelist, propertyOrder).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  let statement: Record<string, unknown> | undefined;
  for (const name of SCHEMA_FILES) {
    // The schema names its parts "urn:entity" etc., which ajv's URI library refuses (a URN
    // needs a namespace): rewrite them as URLs; nothing else in the files starts with "urn:".
    const text = readFileSync(new URL(`${name}.json`, SCHEMA_DIR), 'utf8').replaceAll('"urn:', `"${BASE}`);
    const schema = JSON.parse(text) as Record<string, unknown>;
    if (name === 'statement') statement = schema;
    else ajv.addSchema(schema);
  }
  // The statement file describes an array; one statement is its `Statement` definition.
  ajv.addSchema(statement!);
  compiled = ajv.getSchema(`${BASE}statement#/$defs/Statement`)!;
  return compiled;
}

const SHARE_VALUE =
  /^\/recordDetails\/interests\/\d+\/share\/(exact|minimum|maximum|exclusiveMinimum|exclusiveMaximum)$/;
const COMBINATORS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'not']);

/** "/recordDetails/addresses/0/type" -> "recordDetails.addresses[0].type" */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function fieldOf(err: ErrorObject): string {
  const base = pointerToField(err.instancePath);
  if (err.keyword === 'required') {
    const missing = String((err.params as { missingProperty?: unknown }).missingProperty);
    return base ? `${base}.${missing}` : missing;
  }
  return base || '(statement)';
}

function describe(err: ErrorObject): string {
  if (err.keyword === 'required') return 'is required';
  if (err.keyword === 'enum') {
    const allowed = (err.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `must be one of ${allowed.map(String).join(', ')}`;
  }
  if (err.keyword === 'const')
    return `must be ${JSON.stringify((err.params as { allowedValue?: unknown }).allowedValue)}`;
  return err.message ?? err.keyword;
}

export interface SchemaViolation {
  field: string;
  reason: string;
}

export interface BodsValidation {
  /** breaks the schema: the statement is refused */
  refusal?: SchemaViolation;
  /** share values outside the schema: the statement is read as stated and the evaluator flags them */
  shareWarnings: SchemaViolation[];
}

const depth = (e: ErrorObject) => fieldOf(e).split(/[.[]/).length;

/**
 * Checks a statement. A refusal names the deepest violation (the most precise). Share values that
 * are not numbers or lie outside [0, 100] do not refuse it: the control rule turns them into
 * [0, 100] and flags the subject `invalid-share`, which is stricter than dropping the statement.
 */
export function validateBodsStatement(raw: unknown): BodsValidation {
  const validate = validator();
  if (validate(raw)) return { shareWarnings: [] };
  const all = validate.errors ?? [];
  const shareWarnings = all
    .filter((e) => SHARE_VALUE.test(e.instancePath))
    .map((e) => ({ field: fieldOf(e), reason: `${fieldOf(e)} ${describe(e)}` }));
  const errors = all.filter((e) => !SHARE_VALUE.test(e.instancePath));
  const concrete = errors.filter((e) => !COMBINATORS.has(e.keyword));
  if (concrete.length === 0) {
    // Only the `if`/`then` wrappers of share-value errors remain: the statement is readable.
    if (errors.every((e) => e.keyword === 'if' || e.keyword === 'allOf')) return { shareWarnings };
    const first = errors[0]!;
    return {
      refusal: { field: fieldOf(first), reason: `${fieldOf(first)} ${describe(first)}` },
      shareWarnings,
    };
  }
  const deepest = Math.max(...concrete.map(depth));
  const atDeepest = concrete.filter((e) => depth(e) === deepest);
  const field = fieldOf(atDeepest[0]!);
  const messages = [...new Set(atDeepest.filter((e) => fieldOf(e) === field).map(describe))];
  return { refusal: { field, reason: `${field} ${messages.join(' or ')}` }, shareWarnings };
}
