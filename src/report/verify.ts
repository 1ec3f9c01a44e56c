// Verifies a report folder the way a partner would: the signature over the exact manifest bytes,
// the signer's key id, every listed file's size and sha256, no extra or missing files, and (when
// the previous report is given) the link to the previous manifest. Every problem is listed.
import { createHash, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../canonical-json.ts';
import { keyIdOf } from './keys.ts';
import { DSSE, MANIFEST, SIGNATURE, SIGNING_FILES, checkDsseFile, checkSignatureFile } from './sign.ts';
import type { ReportManifest } from './types.ts';

export interface VerifyResult {
  valid: boolean;
  /** what failed, one sentence each; empty when valid */
  problems: string[];
  /** what was not checked (e.g. the previous link without a previous report) */
  notes: string[];
  manifest?: ReportManifest;
  /** sha256 (hex) of manifest.json */
  manifestDigest?: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readOrProblem(path: string, problems: string[], what: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    problems.push(`${what} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

function parseManifest(bytes: Buffer, problems: string[]): ReportManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    problems.push(`${MANIFEST} is not JSON`);
    return undefined;
  }
  const m = value as Partial<ReportManifest>;
  if (
    m === null ||
    typeof m !== 'object' ||
    m.kind !== 'channelguard-report-manifest' ||
    m.schemaVersion !== '1.0'
  ) {
    problems.push(`${MANIFEST} is not a channelguard report manifest version 1.0`);
    return undefined;
  }
  if (canonicalJson(value) !== bytes.toString('utf8'))
    problems.push(`${MANIFEST} is not in canonical JSON form`);
  const filesOk =
    Array.isArray(m.files) &&
    m.files.every(
      (f) =>
        f !== null &&
        typeof f === 'object' &&
        typeof f.name === 'string' &&
        /^[A-Za-z0-9._-]+$/.test(f.name) &&
        !SIGNING_FILES.includes(f.name) &&
        Number.isInteger(f.size) &&
        typeof f.sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(f.sha256),
    );
  if (!filesOk) {
    problems.push(`${MANIFEST} lists its files in an unexpected form`);
    return undefined;
  }
  return m as ReportManifest;
}

/** Checks one report folder against a public key (and optionally its previous report folder). */
export async function verifyReport(
  dir: string,
  options: { publicKey: KeyObject; previousDir?: string },
): Promise<VerifyResult> {
  const problems: string[] = [];
  const notes: string[] = [];
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (err) {
    return {
      valid: false,
      problems: [`report folder ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`],
      notes,
    };
  }
  const manifestBytes = await readOrProblem(join(dir, MANIFEST), problems, MANIFEST);
  if (!manifestBytes) return { valid: false, problems, notes };
  const manifestDigest = sha256(manifestBytes);
  const sigText = await readOrProblem(join(dir, SIGNATURE), problems, SIGNATURE);
  if (sigText) {
    const p = checkSignatureFile(manifestBytes, sigText.toString('utf8'), options.publicKey);
    if (p) problems.push(p);
  }
  const manifest = parseManifest(manifestBytes, problems);
  if (!manifest) return { valid: false, problems, notes, manifestDigest };
  const keyId = keyIdOf(options.publicKey);
  if (manifest.signer?.algorithm !== 'Ed25519' || manifest.signer.keyId !== keyId)
    problems.push(
      `the manifest names signer key ${String(manifest.signer?.keyId)}, not this public key (${keyId})`,
    );
  if (entries.includes(DSSE)) {
    const text = await readOrProblem(join(dir, DSSE), problems, DSSE);
    const p = text
      ? checkDsseFile(manifestBytes, text.toString('utf8'), options.publicKey, keyId)
      : undefined;
    if (p) problems.push(p);
  }
  const listed = new Set(manifest.files.map((f) => f.name));
  if (listed.size !== manifest.files.length) problems.push(`${MANIFEST} lists a file twice`);
  for (const f of manifest.files) {
    if (!entries.includes(f.name)) {
      problems.push(`${f.name} is listed in the manifest but missing`);
      continue;
    }
    const bytes = await readOrProblem(join(dir, f.name), problems, f.name);
    if (!bytes) continue;
    if (bytes.length !== f.size)
      problems.push(`${f.name} has ${bytes.length} bytes, the manifest says ${f.size}`);
    if (sha256(bytes) !== f.sha256) problems.push(`${f.name} does not match its sha256 in the manifest`);
  }
  for (const name of entries)
    if (!listed.has(name) && !SIGNING_FILES.includes(name))
      problems.push(`${name} is not listed in the manifest`);
  if (options.previousDir !== undefined) {
    await checkPrevious(manifest, options.previousDir, options.publicKey, problems);
  } else if (manifest.previousManifestSha256 !== null) {
    notes.push('the link to the previous report was not checked (give the previous report folder)');
  }
  return { valid: problems.length === 0, problems, notes, manifest, manifestDigest };
}

async function checkPrevious(
  manifest: ReportManifest,
  previousDir: string,
  publicKey: KeyObject,
  problems: string[],
): Promise<void> {
  const prev = await verifyReport(previousDir, { publicKey });
  if (!prev.valid) {
    problems.push(`the previous report does not verify: ${prev.problems.join('; ')}`);
    return;
  }
  if (manifest.previousManifestSha256 === null)
    problems.push('the manifest says this is the first report, but a previous report was given');
  else if (manifest.previousManifestSha256 !== prev.manifestDigest)
    problems.push(
      `the previous-report link ${manifest.previousManifestSha256} does not match the previous manifest (${prev.manifestDigest})`,
    );
  if (prev.manifest && prev.manifest.partner !== manifest.partner)
    problems.push(`the previous report is for partner ${prev.manifest.partner}, not ${manifest.partner}`);
  if (prev.manifest && prev.manifest.run === manifest.run)
    problems.push('the previous report has the same run id');
}
