-- Core tables written by `channelguard sync` and read by the audit.
-- Applied once, in one transaction, by src/store/migrate.ts. Never edit after release: add 002-….

-- One row per tenant as its cloud last described it. The key is the cloud's own stable id; a tenant
-- key alone is not unique across clouds (an AWS account id could equal a GCP id by chance).
-- List-valued fields are jsonb: they are read whole, never queried inside, and keep their order.
CREATE TABLE tenants (
  cloud text NOT NULL CHECK (cloud IN ('aws', 'gcp', 'azure')),
  tenant_key text NOT NULL CHECK (tenant_key <> ''),
  -- the cloud partner whose report this tenant belongs in: every report query filters on it
  partner text NOT NULL CHECK (partner IN ('aws', 'gcp', 'azure')),
  account_ids jsonb NOT NULL DEFAULT '[]',
  legal_name text,
  display_name text,
  country_code text,
  domain text,
  registration_ids jsonb NOT NULL DEFAULT '[]',
  entitlements jsonb NOT NULL DEFAULT '[]',
  provenance jsonb NOT NULL DEFAULT '[]',
  missing jsonb NOT NULL DEFAULT '[]',
  -- first_seen is kept on every later upsert; last_seen/run_id say which sync last confirmed the row,
  -- so the audit can tell a tenant that vanished upstream from one seen in the latest snapshot
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  run_id text NOT NULL,
  PRIMARY KEY (cloud, tenant_key)
);
-- keyset pagination of one partner's tenants in (cloud, tenant_key) order
CREATE INDEX tenants_partner_keyset ON tenants (partner, cloud, tenant_key);

-- Channel edges (payer, CSP reseller, billing account → tenant). A link is identified by its two
-- ends and its role; reported_by is the tenant record that carried it, so when that record is
-- re-read the links it no longer lists are removed (a changed reseller must not linger).
CREATE TABLE channel_links (
  cloud text NOT NULL CHECK (cloud IN ('aws', 'gcp', 'azure')),
  from_key text NOT NULL,
  role text NOT NULL,
  to_key text NOT NULL,
  source text NOT NULL,
  reported_by text NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  run_id text NOT NULL,
  PRIMARY KEY (cloud, from_key, role, to_key)
);
CREATE INDEX channel_links_to ON channel_links (cloud, to_key);
CREATE INDEX channel_links_reported_by ON channel_links (cloud, reported_by);

-- Usage lines. line_id is the source's own stable id of the line, so a re-read (resume after a
-- crash, a retroactively corrected report) updates the line instead of counting it twice.
-- No foreign key to tenants: clouds and streams sync independently and usage may arrive first.
CREATE TABLE usage (
  cloud text NOT NULL CHECK (cloud IN ('aws', 'gcp', 'azure')),
  line_id text NOT NULL CHECK (line_id <> ''),
  tenant_key text NOT NULL,
  model_id text NOT NULL,
  raw_model_id text,
  dimension text NOT NULL,
  -- numeric, not float: token counts exceed 2^53 in aggregate and spend must add up exactly
  quantity numeric NOT NULL,
  unit text NOT NULL,
  currency text,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  source text NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  run_id text NOT NULL,
  PRIMARY KEY (cloud, line_id)
);
CREATE INDEX usage_tenant_period ON usage (cloud, tenant_key, period_start);

-- The position each stream has durably reached. Written in the same transaction as the rows of
-- the page it follows, so a crash can only lose work, never skip it. `source` is the stream:
-- "tenants", or "usage:<window start>/<window end>" (a usage cursor is only valid for its window).
CREATE TABLE cursors (
  cloud text NOT NULL,
  source text NOT NULL,
  value text NOT NULL,
  updated_at timestamptz NOT NULL,
  run_id text NOT NULL,
  PRIMARY KEY (cloud, source)
);

-- One row per sync run, inserted when it starts ("running"), finished with its outcome. A run
-- left "running" by a killed process stays so: it is evidence of the crash, not a success.
CREATE TABLE sync_runs (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  status text NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
  clouds jsonb NOT NULL DEFAULT '[]',
  -- per cloud: tenants, links, usage lines, pages, rejected records
  counts jsonb NOT NULL DEFAULT '{}',
  -- [{cloud, source, message}] with secrets redacted
  failures jsonb NOT NULL DEFAULT '[]'
);

-- Freshness and completeness per (cloud, stream), for the audit: a report may only claim what a
-- complete, recent read supports. last_success_at moves only when a stream was read to its end.
CREATE TABLE source_status (
  cloud text NOT NULL,
  source text NOT NULL CHECK (source IN ('tenants', 'usage')),
  last_attempt_at timestamptz NOT NULL,
  last_success_at timestamptz,
  complete boolean NOT NULL,
  error text,
  -- the adapter's APIs/reports that fed this stream in the last attempt
  feeds jsonb NOT NULL DEFAULT '[]',
  items bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  run_id text NOT NULL,
  PRIMARY KEY (cloud, source)
);
