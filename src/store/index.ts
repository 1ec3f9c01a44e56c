// The store's public surface: open (migrated), write pages, track sync state, read for the audit.
export type { Db, QueryResult } from './db.ts';
export { openStore, DEFAULT_DATA_DIR, type StoreOptions } from './open.ts';
export { migrate, readMigrations, MIGRATIONS_DIR, type Migration } from './migrate.ts';
export { upsertRows, UPSERT_BATCH, type UpsertSpec } from './upsert.ts';
export { writeTenants, writeUsage, type WriteStamp } from './write.ts';
export {
  getCursor,
  putCursor,
  startRun,
  finishRun,
  putSourceStatus,
  type StreamName,
  type RunStatus,
  type SourceOutcome,
} from './sync-state.ts';
export { withCloudLock, cloudLockKey } from './locks.ts';
export {
  streamTenants,
  streamTenantPages,
  refreshStatistics,
  TENANT_PAGE_SQL,
  getTenant,
  linksForTenant,
  usageForTenant,
  usageTotalsForTenants,
  sourceStatus,
  recentRuns,
  type StoredTenant,
  type StreamTenantsOptions,
  type UsageTotal,
  type SourceStatusRow,
  type SyncRunRow,
} from './queries.ts';
