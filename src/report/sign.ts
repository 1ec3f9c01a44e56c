// Manifest signing: manifest.sig is the Ed25519 signature over the exact manifest.json bytes
// (base64); manifest.dsse.json is the same manifest in a DSSE envelope (in-toto tooling reads it).
import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const DSSE = 'manifest.dsse.json';
/** files that sign the manifest and so cannot be listed in it */
export const SIGNING_FILES: readonly string[] = [MANIFEST, SIGNATURE, DSSE];
export const DSSE_PAYLOAD_TYPE = 'application/vnd.channelguard.report-manifest+json';

/** DSSE v1 pre-authentication encoding. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

export function signatureFile(manifestBytes: Buffer, privateKey: KeyObject): string {
  return `${sign(null, manifestBytes, privateKey).toString('base64')}\n`;
}

export function dsseEnvelope(manifestBytes: Buffer, privateKey: KeyObject, keyId: string): string {
  const sig = sign(null, pae(DSSE_PAYLOAD_TYPE, manifestBytes), privateKey).toString('base64');
  return `${canonicalJson({
    payload: manifestBytes.toString('base64'),
    payloadType: DSSE_PAYLOAD_TYPE,
    signatures: [{ keyid: keyId, sig }],
  })}\n`;
}

/** Strict base64: the text must be exactly the canonical encoding of what it decodes to. */
export function strictBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const buf = Buffer.from(text, 'base64');
  return buf.toString('base64') === text ? buf : undefined;
}

/** Checks manifest.sig: one strict base64 line holding a valid signature. */
export function checkSignatureFile(
  manifestBytes: Buffer,
  sigText: string,
  publicKey: KeyObject,
): string | undefined {
  const m = /^([A-Za-z0-9+/=]+)\n$/.exec(sigText);
  const sig = m?.[1] !== undefined ? strictBase64(m[1]) : undefined;
  if (!sig || sig.length !== 64) return `${SIGNATURE} is not one base64 Ed25519 signature line`;
  if (!verify(null, manifestBytes, publicKey, sig))
    return `${SIGNATURE} does not verify against ${MANIFEST} with this public key (wrong key, or the manifest changed)`;
  return undefined;
}

/** Checks manifest.dsse.json: byte-exact canonical envelope of this manifest, validly signed. */
export function checkDsseFile(
  manifestBytes: Buffer,
  text: string,
  publicKey: KeyObject,
  keyId: string,
): string | undefined {
  let env: unknown;
  try {
    env = JSON.parse(text);
  } catch {
    return `${DSSE} is not JSON`;
  }
  const sigs = (env as { signatures?: unknown }).signatures;
  const first = Array.isArray(sigs) && sigs.length === 1 ? (sigs[0] as { sig?: unknown }) : undefined;
  const sig = typeof first?.sig === 'string' ? strictBase64(first.sig) : undefined;
  if (!sig || sig.length !== 64) return `${DSSE} does not hold exactly one base64 signature`;
  // Rebuild the envelope we would have written; any other byte is a change.
  const expected = `${canonicalJson({
    payload: manifestBytes.toString('base64'),
    payloadType: DSSE_PAYLOAD_TYPE,
    signatures: [{ keyid: keyId, sig: sig.toString('base64') }],
  })}\n`;
  if (text !== expected)
    return `${DSSE} does not wrap ${MANIFEST} exactly (payload, type, key id or layout differ)`;
  if (!verify(null, pae(DSSE_PAYLOAD_TYPE, manifestBytes), publicKey, sig))
    return `${DSSE} signature does not verify with this public key`;
  return undefined;
}
