// The report library: per-partner exception reports, signing, verification.
export { buildPartnerReport, type BuildOptions } from './build.ts';
export { verifyReport, type VerifyResult } from './verify.ts';
export { readPreviousReport, findLatestReport } from './previous.ts';
export {
  loadSigningKey,
  loadPublicKey,
  generateKeyPairPem,
  keyIdOf,
  KeyUnavailableError,
  SIGNING_KEY_ENV,
  PUBLIC_KEY_ENV,
  type SigningKey,
} from './keys.ts';
export { PartitionError } from './partition.ts';
export { removeStaleTemp } from './write.ts';
export { wordReason, formatShare } from './wording.ts';
export { REPORT_SCHEMA_VERSION } from './json.ts';
export { compareKeys } from './types.ts';
export type * from './types.ts';
