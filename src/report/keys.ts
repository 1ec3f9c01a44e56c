// Ed25519 keys for report signing. A key is read from a PEM file or the environment, never
// generated silently: `channelguard keygen` is the only place keys are made.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ReportError } from '../errors.ts';

/** No key, an unreadable key file or a key that is not Ed25519: the report is not signed (exit 69). */
export class KeyUnavailableError extends ReportError {
  override readonly name: string = 'KeyUnavailableError';
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** sha256 (hex) of the public key's SubjectPublicKeyInfo DER */
  keyId: string;
}

export const SIGNING_KEY_ENV = 'CHANNELGUARD_SIGNING_KEY';
export const PUBLIC_KEY_ENV = 'CHANNELGUARD_PUBLIC_KEY';

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new KeyUnavailableError(`cannot read the ${what} file ${path} (${code})`, { cause: err });
  }
}

/**
 * The signing key from `path`, else from env `CHANNELGUARD_SIGNING_KEY_<PARTNER>` (when a partner
 * is given: keys may be partitioned by partner), else from env `CHANNELGUARD_SIGNING_KEY` (PEM).
 */
export async function loadSigningKey(options: {
  path?: string;
  env?: NodeJS.ProcessEnv;
  partner?: string;
}): Promise<SigningKey> {
  const env = options.env ?? {};
  const partnerVar = options.partner ? `${SIGNING_KEY_ENV}_${options.partner.toUpperCase()}` : undefined;
  let pem: string | undefined;
  let from: string;
  if (options.path) {
    pem = await readPem(options.path, 'signing key');
    from = options.path;
  } else if (partnerVar && env[partnerVar]) {
    pem = env[partnerVar];
    from = `env ${partnerVar}`;
  } else {
    pem = env[SIGNING_KEY_ENV];
    from = `env ${SIGNING_KEY_ENV}`;
  }
  if (!pem || pem.trim() === '')
    throw new KeyUnavailableError(
      `no signing key: give a PEM file (--signing-key FILE) or set ${SIGNING_KEY_ENV}; create one with "channelguard keygen --out DIR"`,
    );
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    // The PEM itself never goes into the message.
    throw new KeyUnavailableError(`the signing key in ${from} is not a readable PEM private key`, {
      cause: err,
    });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new KeyUnavailableError(
      `the signing key in ${from} is ${privateKey.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`,
    );
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A public key from `path`, else from env `CHANNELGUARD_PUBLIC_KEY` (PEM). */
export async function loadPublicKey(options: { path?: string; env?: NodeJS.ProcessEnv }): Promise<KeyObject> {
  const env = options.env ?? {};
  const pem = options.path ? await readPem(options.path, 'public key') : env[PUBLIC_KEY_ENV];
  const from = options.path ?? `env ${PUBLIC_KEY_ENV}`;
  if (!pem || pem.trim() === '')
    throw new KeyUnavailableError(`no public key: give --public-key FILE or set ${PUBLIC_KEY_ENV}`);
  if (/PRIVATE KEY/.test(pem))
    throw new KeyUnavailableError(`${from} holds a private key; verification takes the public key only`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyUnavailableError(`${from} is not a readable PEM public key`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new KeyUnavailableError(`${from} is not an Ed25519 public key`);
  return key;
}

/** A fresh key pair as PEM (PKCS#8 private, SPKI public). Only `channelguard keygen` calls this. */
export function generateKeyPairPem(): { privatePem: string; publicPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    keyId: keyIdOf(publicKey),
  };
}
