// Access tokens for the Procurement API through google-auth-library (service-account key or ADC).
// Part of the client seam: nothing else in the adapter touches credentials.
import { readFile } from 'node:fs/promises';
import { GoogleAuth, type JWTInput } from 'google-auth-library';
import { AdapterError, ConfigError, errorMessage } from '../../src/errors.ts';
import {
  CLOUD_PLATFORM_SCOPE,
  GOOGLE_TOKEN_URL,
  serviceAccountKeySchema,
  type GcpConfig,
  type ServiceAccountKey,
} from './config.ts';

/** What the client needs from auth: a bearer token, fresh when asked. */
export interface GcpTokenSource {
  token(forceRefresh: boolean): Promise<string>;
}

// Not "...token": the shared redactor would take `token: <next word>` for a secret.
const TOKEN_API = 'oauth2';

/** A sanitized stand-in for a library error, so no request config (assertion, headers) rides along as `cause`. */
export function sanitizedCause(err: unknown): Error {
  const e = new Error(errorMessage(err));
  e.name = err instanceof Error ? err.name : 'Error';
  return e;
}

async function loadKey(config: GcpConfig): Promise<ServiceAccountKey | undefined> {
  if (config.credentials) return config.credentials;
  if (config.keyFile === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(config.keyFile, 'utf8');
  } catch (err) {
    throw new ConfigError(`gcp.keyFile: cannot read ${config.keyFile}`, 'gcp.keyFile', {
      cause: sanitizedCause(err),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`gcp.keyFile: ${config.keyFile} is not JSON`, 'gcp.keyFile');
  }
  const parsed = serviceAccountKeySchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new ConfigError(
      `gcp.keyFile: ${config.keyFile} is not a service-account key (field ${field})`,
      'gcp.keyFile',
    );
  }
  return parsed.data;
}

/**
 * google-auth-library 10 posts the JWT-bearer grant to Google's fixed token URL and ignores the
 * key's `token_uri`; we send it where the key (or `tokenUrl`) says, through the library's own
 * transporter, so the real signing and token caching run unchanged.
 */
export function createGoogleTokenSource(config: GcpConfig): GcpTokenSource {
  let client: Promise<Awaited<ReturnType<GoogleAuth['getClient']>>> | undefined;
  const init = async () => {
    const key = await loadKey(config);
    const auth = new GoogleAuth({
      scopes: [CLOUD_PLATFORM_SCOPE],
      ...(key ? { credentials: jwtInput(key) } : {}),
    });
    const c = await auth.getClient();
    const tokenUrl = config.tokenUrl ?? key?.token_uri;
    if (tokenUrl !== undefined && tokenUrl !== GOOGLE_TOKEN_URL) {
      const target = new URL(tokenUrl);
      c.transporter.interceptors.request.add({
        resolved: async (opts) => {
          if (String(opts.url) === GOOGLE_TOKEN_URL) opts.url = target;
          return opts;
        },
      });
    }
    return c;
  };
  return {
    async token(forceRefresh) {
      client ??= init();
      let c: Awaited<typeof client>;
      try {
        c = await client;
      } catch (err) {
        client = undefined;
        if (err instanceof ConfigError) throw err;
        throw new AdapterError('no Google credentials could be loaded', tokenInfo(false), {
          cause: sanitizedCause(err),
        });
      }
      // A past expiry makes the library mint a new token instead of returning its cached one.
      if (forceRefresh && 'credentials' in c) c.credentials = { ...c.credentials, expiry_date: 1 };
      try {
        const { token } = await c.getAccessToken();
        if (!token) throw new Error('the token endpoint returned no access_token');
        return token;
      } catch (err) {
        const status = (err as { status?: unknown; response?: { status?: unknown } }).response?.status;
        const clientFault = typeof status === 'number' && status >= 400 && status < 500;
        throw new AdapterError(
          `no access token was granted (${errorMessage(err)})`,
          tokenInfo(!clientFault, status),
          {
            cause: sanitizedCause(err),
          },
        );
      }
    },
  };
}

/** Only the fields the library's service-account client reads. */
function jwtInput(key: ServiceAccountKey): JWTInput {
  const out: JWTInput = { type: key.type, client_email: key.client_email, private_key: key.private_key };
  if (key.private_key_id !== undefined) out.private_key_id = key.private_key_id;
  if (key.project_id !== undefined) out.project_id = key.project_id;
  return out;
}

function tokenInfo(retryable: boolean, status?: unknown) {
  return {
    cloud: 'gcp',
    api: TOKEN_API,
    fault: retryable ? ('server' as const) : ('client' as const),
    retryable,
    code: 'TokenRequestFailed',
    ...(typeof status === 'number' ? { status } : {}),
  };
}
