// The Google Cloud marketplace adapter: Partner Procurement API (accounts, entitlements) joined
// with the Customer Insights report for tenants, and the Charges and usage report for usage.
import { access } from 'node:fs/promises';
import type { AxiosInstance } from 'axios';
import type { AdapterDeps, MarketplaceAdapter } from '../../src/adapter.ts';
import { InputError } from '../../src/errors.ts';
import type { RateLimiter, Sleep } from '../../src/sync/call-policy.ts';
import type { SpillOptions } from '../../src/sync/spill-sort.ts';
import { createGoogleTokenSource, type GcpTokenSource } from './client-auth.ts';
import { createProcurementClient } from './client.ts';
import { resolveGcpConfig, type GcpConfigInput } from './config.ts';
import { SOURCE_ACCOUNTS, SOURCE_CHARGES, SOURCE_ENTITLEMENTS, SOURCE_INSIGHTS } from './map.ts';
import { gcpTenantPages } from './tenants.ts';
import { gcpUsagePages } from './usage.ts';

export { gcpConfigSchema, resolveGcpConfig, GCP_ENV, type GcpConfig, type GcpConfigInput } from './config.ts';
export type { GcpTokenSource } from './client-auth.ts';
export { startGcpFake, writeGcpReports, type GcpFake, type GcpFakeOptions, type GcpFaults } from './fake.ts';
export type { GcpFakeState } from './fake-state.ts';
export { gcpStateFromDemo } from './demo.ts';

export interface GcpAdapterDeps extends AdapterDeps {
  /** environment for the config resolver (the CLI passes its io.env); default none */
  env?: Record<string, string | undefined>;
  /** an axios instance (its baseURL wins over config.baseUrl) */
  http?: AxiosInstance;
  /** bearer tokens; default google-auth-library from config (key file, inline key or ADC) */
  tokenSource?: GcpTokenSource;
  /** share one limiter between adapters hitting the same quota */
  limiter?: RateLimiter;
  sleep?: Sleep;
  /** where the Customer Insights rows are sorted and kept while tenants are listed (default: the OS temp folder) */
  spill?: SpillOptions;
}

export function createGcpAdapter(input: GcpConfigInput, deps: GcpAdapterDeps): MarketplaceAdapter {
  const config = resolveGcpConfig(input, deps.env ?? {});
  const logger = deps.logger.child({ cloud: 'gcp' });
  const clock = deps.clock ?? (() => new Date());
  const client = createProcurementClient(config, {
    tokens: deps.tokenSource ?? createGoogleTokenSource(config),
    logger,
    ...(deps.http ? { http: deps.http } : {}),
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  return {
    cloud: 'gcp',
    sources: [SOURCE_ACCOUNTS, SOURCE_ENTITLEMENTS, SOURCE_INSIGHTS, SOURCE_CHARGES],
    tenants: (options) =>
      gcpTenantPages(
        { config, client, logger, clock, ...(deps.spill ? { spill: deps.spill } : {}) },
        options,
      ),
    usage: (window, options) => gcpUsagePages({ config, logger }, window, options),
    async health() {
      await client.probe();
      if (config.reportsDir !== undefined) {
        try {
          await access(config.reportsDir);
        } catch (err) {
          throw new InputError(
            'the reports folder cannot be read',
            { file: config.reportsDir },
            { cause: err },
          );
        }
      }
    },
  };
}
