-- The audit's own tables: runs, the decision per tenant per run (what the delta guard compares and
-- what reports stream from), and when each tenant was first flagged. Numbers 300-399 are the audit's.

CREATE TABLE audit_runs (
  run_id text PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  -- running | ok | partial | stale | blocked-delta | failed | abandoned
  status text NOT NULL,
  as_of date NOT NULL,
  policy_id text NOT NULL,
  policy_version text NOT NULL,
  policy_sha256 text NOT NULL,
  -- the data snapshot: sha256 over the ownership files' hashes, in order
  ownership_sha256 text NOT NULL,
  summary jsonb
);

-- One row per tenant per run. `report` holds the exception row (restricted / review) exactly as the
-- partner report will show it, so reports stream from here in key order and a crashed audit can
-- rebuild them from what it had decided.
CREATE TABLE audit_decisions (
  run_id text NOT NULL REFERENCES audit_runs (run_id) ON DELETE CASCADE,
  partner text NOT NULL,
  tenant_key text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('restricted', 'review', 'allowed')),
  entity_id text,
  stale boolean NOT NULL DEFAULT false,
  reasons jsonb NOT NULL,
  report jsonb,
  PRIMARY KEY (run_id, partner, tenant_key)
);

-- When a tenant was first flagged (restricted or review), and first found restricted. A tenant that
-- comes back allowed loses its row, so a later flag starts a new date.
CREATE TABLE tenant_flags (
  partner text NOT NULL,
  tenant_key text NOT NULL,
  first_flagged_at timestamptz NOT NULL,
  restricted_since timestamptz,
  PRIMARY KEY (partner, tenant_key)
);
