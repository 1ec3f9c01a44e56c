// The AWS marketplace adapter: Agreement API + seller data feeds (+ Bedrock catalog for model ids).
import type { AdapterDeps, MarketplaceAdapter } from '../../src/adapter.ts';
import type { SpillOptions } from '../../src/sync/spill-sort.ts';
import { createAwsClient } from './client.ts';
import type { AwsClient, AwsCredentials } from './client.ts';
import type { AwsConfig } from './config.ts';
import { SOURCES } from './map.ts';
import { listTenants } from './tenants.ts';
import { listUsage } from './usage.ts';

export { awsConfigSchema, resolveAwsConfig, parseFeedLocation, AWS_ENV_KEYS } from './config.ts';
export type { AwsConfig, AwsConfigInput, FeedLocation } from './config.ts';
export type { AwsCredentials } from './client.ts';
export { TENANT_SOURCE } from './tenants.ts';
export { USAGE_SOURCE } from './usage.ts';

export interface AwsAdapterDeps extends AdapterDeps {
  /** for tests and fakes; unset = the SDK's default credential chain */
  credentials?: AwsCredentials;
  /** where and how much the tenant join spills to disk (default: the OS temp folder, 10,000 rows) */
  spill?: SpillOptions;
}

export interface AwsAdapter extends MarketplaceAdapter {
  /** closes the SDK clients' sockets */
  close(): void;
}

export function createAwsAdapter(config: AwsConfig, deps: AwsAdapterDeps): AwsAdapter {
  const client: AwsClient = createAwsClient(config, {
    logger: deps.logger,
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
  });
  const run = {
    logger: deps.logger.child({ cloud: 'aws' }),
    clock: deps.clock ?? (() => new Date()),
    ...(deps.spill ? { spill: deps.spill } : {}),
  };
  const sources: string[] = [SOURCES.search];
  if (config.describeAgreements) sources.push(SOURCES.describe);
  if (config.invoiceLineItems) sources.push(SOURCES.invoices);
  if (config.bedrockModels) sources.push(SOURCES.models);
  if (config.feeds) sources.push(SOURCES.account, SOURCES.address, SOURCES.billing);
  return {
    cloud: 'aws',
    sources,
    tenants: (options) => listTenants(client, config, run, options),
    usage: (window, options) => listUsage(client, config, run, window, options),
    async health() {
      // one cheap call per service the adapter will use, so permission problems show before a run
      const pages = client.searchAgreements({});
      await pages.next();
      await pages.return(undefined);
      if (config.bedrockModels) await client.listFoundationModels();
      if (client.hasFeeds) {
        const files = client.listFeedFiles('account');
        await files.next();
        await files.return(undefined);
      }
    },
    close: () => client.destroy(),
  };
}
