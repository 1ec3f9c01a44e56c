// The Azure marketplace adapter: SaaS Fulfillment v2 subscriptions + Partner Center ISVCustomer for
// tenants; metering usageEvents + Partner Center ISVUsage for usage.
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { AdapterDeps, MarketplaceAdapter } from '../../src/adapter.ts';
import type { SpillOptions } from '../../src/sync/spill-sort.ts';
import { AdapterError } from '../../src/errors.ts';
import { createAzureClient, type AzureClientDeps } from './client.ts';
import type { AzureConfig } from './config.ts';
import { SOURCE_ISV_CUSTOMER, SOURCE_ISV_USAGE, SOURCE_SUBSCRIPTIONS, SOURCE_USAGE_EVENTS } from './map.ts';
import { reportFiles } from './reports.ts';
import { listAzureTenants } from './tenants.ts';
import { listAzureUsage } from './usage.ts';

export {
  azureConfigSchema,
  resolveAzureConfig,
  AZURE_ENV,
  MARKETPLACE_SCOPE,
  MARKETPLACE_RESOURCE_ID,
  type AzureConfig,
  type AzureConfigInput,
} from './config.ts';
export {
  startAzureFake,
  createFakeCredential,
  type AzureFake,
  type AzureFakeFaults,
  type AzureFakeOptions,
  type AzureFakeState,
} from './fake.ts';
export { azureStateFromDemo, syntheticAzureState, writeAzureReports } from './demo.ts';

/** The injected I/O: logger and clock, the Entra credential, optionally axios, limiters and timers. */
export interface AzureAdapterDeps
  extends AdapterDeps, Pick<AzureClientDeps, 'credential' | 'http' | 'limiters' | 'sleep' | 'random'> {
  /** where and how much the tenant join spills to disk (default: the OS temp folder, 10,000 rows) */
  spill?: SpillOptions;
}

export function createAzureAdapter(config: AzureConfig, deps: AzureAdapterDeps): MarketplaceAdapter {
  const clock = deps.clock ?? (() => new Date());
  const logger = deps.logger.child({ cloud: 'azure' });
  const client = createAzureClient(config, { ...deps, logger, clock });
  const sourceDeps = { client, config, logger, clock };
  const sources = [
    SOURCE_SUBSCRIPTIONS,
    ...(config.usageEvents ? [SOURCE_USAGE_EVENTS] : []),
    ...(config.reportsDir ? [SOURCE_ISV_CUSTOMER, SOURCE_ISV_USAGE] : []),
  ];
  return {
    cloud: 'azure',
    sources,
    tenants: (options) =>
      listAzureTenants({ ...sourceDeps, ...(deps.spill ? { spill: deps.spill } : {}) }, options),
    usage: (window, options) =>
      listAzureUsage({ ...sourceDeps, ...(deps.spill ? { spill: deps.spill } : {}) }, window, options),
    async health() {
      await client.probe();
      if (config.reportsDir) {
        const files = await reportFiles(config.reportsDir, 'ISVCustomer');
        if (files.length === 0) {
          throw new AdapterError(`no ISVCustomer*.csv in ${config.reportsDir}`, {
            cloud: 'azure',
            api: SOURCE_ISV_CUSTOMER,
            fault: 'client',
            retryable: false,
            code: 'ReportMissing',
          });
        }
      }
    },
  };
}

/**
 * The production credential, chosen from @azure/identity's own env variables (never from flags):
 * a client secret when AZURE_CLIENT_SECRET is set, workload identity when a federated token file
 * is, else DefaultAzureCredential narrowed by AZURE_TOKEN_CREDENTIALS if the operator sets it.
 */
export function credentialFromEnv(env: Readonly<Record<string, string | undefined>>): TokenCredential {
  const tenantId = env['AZURE_TENANT_ID'];
  const clientId = env['AZURE_CLIENT_ID'];
  if (tenantId && clientId && env['AZURE_CLIENT_SECRET']) {
    return new ClientSecretCredential(tenantId, clientId, env['AZURE_CLIENT_SECRET']);
  }
  if (tenantId && clientId && env['AZURE_FEDERATED_TOKEN_FILE']) {
    return new WorkloadIdentityCredential({
      tenantId,
      clientId,
      tokenFilePath: env['AZURE_FEDERATED_TOKEN_FILE'],
    });
  }
  return new DefaultAzureCredential();
}
