// The fake's OAuth 2.0 token endpoint: the JWT-bearer grant (RFC 7523) that google-auth-library's
// service-account client sends. Assertions are verified with the registered public key, so a test
// drives the real signing code; access tokens are short-lived and can be expired on demand.
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { ServiceAccountKey } from './config.ts';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface FakeTokenIssuer {
  /** a new service-account key whose token_uri is this fake; only its public half stays here */
  createServiceAccountKey(email?: string): ServiceAccountKey;
  grant(form: URLSearchParams, ttlSeconds: number): TokenAnswer;
  /** 'ok' | 'expired' | 'unknown' for a bearer token presented to the API */
  check(token: string | undefined): 'ok' | 'expired' | 'unknown';
  expire(token: string): void;
  readonly issued: number;
}

export function createTokenIssuer(tokenUri: () => string, now: () => number): FakeTokenIssuer {
  const keys = new Map<string, KeyObject>();
  const tokens = new Map<string, number>();
  let issued = 0;
  let serial = 0;
  const oauthError = (error: string, description: string): TokenAnswer => ({
    status: 400,
    body: { error, error_description: description },
  });
  return {
    get issued() {
      return issued;
    },
    createServiceAccountKey(email) {
      serial++;
      const client = email ?? `channelguard-${serial}@fake-project.iam.gserviceaccount.com`;
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      keys.set(client, createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })));
      return {
        type: 'service_account' as const,
        project_id: 'fake-project',
        private_key_id: randomBytes(20).toString('hex'),
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        client_email: client,
        client_id: String(100000000000000000000n + BigInt(serial)),
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: tokenUri(),
      };
    },
    grant(form, ttlSeconds) {
      if (form.get('grant_type') !== JWT_BEARER)
        return oauthError('unsupported_grant_type', 'Invalid grant_type');
      const parts = (form.get('assertion') ?? '').split('.');
      if (parts.length !== 3) return oauthError('invalid_request', 'Invalid JWT: malformed');
      const [h, p, s] = parts as [string, string, string];
      let header: { alg?: string };
      let claims: { iss?: string; scope?: string; exp?: number; iat?: number };
      try {
        header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
        claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
      } catch {
        return oauthError('invalid_request', 'Invalid JWT: not JSON');
      }
      if (header.alg !== 'RS256') return oauthError('invalid_request', 'Invalid JWT: alg must be RS256');
      const key = claims.iss === undefined ? undefined : keys.get(claims.iss);
      if (!key) return oauthError('invalid_grant', 'Invalid grant: account not found');
      if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) {
        return oauthError('invalid_grant', 'Invalid JWT Signature.');
      }
      const t = Math.floor(now() / 1000);
      if (typeof claims.exp !== 'number' || claims.exp < t || (claims.iat ?? 0) > t + 300) {
        return oauthError(
          'invalid_grant',
          'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.',
        );
      }
      if (!(claims.scope ?? '').split(' ').includes(SCOPE))
        return oauthError('invalid_scope', 'Invalid OAuth scope');
      const token = `ya29.fake-${randomBytes(24).toString('base64url')}`;
      tokens.set(token, now() + ttlSeconds * 1000);
      issued++;
      return { status: 200, body: { access_token: token, expires_in: ttlSeconds, token_type: 'Bearer' } };
    },
    check(token) {
      if (token === undefined) return 'unknown';
      const until = tokens.get(token);
      if (until === undefined) return 'unknown';
      return until > now() ? 'ok' : 'expired';
    },
    expire(token) {
      if (tokens.has(token)) tokens.set(token, 0);
    },
  };
}
