-- Review workflow: items the audit queues for people, their determinations, and the last outcome
-- per subject (so a change between runs is noticed and logged). Owned by src/review/.
-- Times are ISO-8601 UTC text: they are hashed into the audit log and must round-trip byte for byte.

-- One row per subject needing a person: a tenant ("aws:123456789012") or an entity ("entity:<id>").
-- The audit upserts these; evidence_hash is what a determination on this item is made on.
CREATE TABLE review_items (
  id text PRIMARY KEY CHECK (id <> ''),
  subject_type text NOT NULL CHECK (subject_type IN ('tenant', 'entity')),
  cloud text,
  tenant_key text,
  entity_id text,
  status text NOT NULL CHECK (status IN ('open', 'decided', 'closed')),
  -- the automatic outcome the item was queued with
  automatic_decision text NOT NULL CHECK (automatic_decision IN ('restricted', 'review', 'allowed')),
  match_status text CHECK (match_status IN ('matched', 'review', 'unresolved')),
  reasons jsonb NOT NULL DEFAULT '[]',
  candidates jsonb NOT NULL DEFAULT '[]',
  evidence_hash text NOT NULL,
  detail jsonb,
  run_id text,
  first_seen text NOT NULL,
  last_seen text NOT NULL,
  updated_at text NOT NULL
);
CREATE INDEX review_items_status ON review_items (status, id);

-- A person's determination on a subject. kind 'decide' sets the outcome; 'confirm-match' and
-- 'reject-match' settle which entity a tenant is. Rows are never deleted: status moves on.
CREATE TABLE determinations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('decide', 'confirm-match', 'reject-match')),
  subject text NOT NULL,
  entity_id text,
  decision text CHECK (decision IN ('restricted', 'review', 'allowed')),
  reason text NOT NULL CHECK (reason <> ''),
  evidence jsonb NOT NULL DEFAULT '[]',
  reviewer text NOT NULL CHECK (reviewer <> ''),
  -- the second, different reviewer when four-eyes applies
  approver text CHECK (approver IS NULL OR approver <> reviewer),
  status text NOT NULL CHECK (status IN ('pending', 'in-force', 'lapsed', 'superseded')),
  evidence_hash text NOT NULL,
  automatic_decision text NOT NULL,
  expires_at text,
  created_at text NOT NULL,
  decided_at text,
  closed_at text,
  close_reason text,
  CHECK ((kind = 'decide') = (decision IS NOT NULL)),
  CHECK ((kind = 'decide') = (entity_id IS NULL))
);
CREATE INDEX determinations_subject ON determinations (subject, status);

-- The last outcome recorded per subject, so the audit log gets a row only when it changes.
CREATE TABLE outcomes (
  subject text PRIMARY KEY,
  decision text NOT NULL CHECK (decision IN ('restricted', 'review', 'allowed')),
  reasons jsonb NOT NULL DEFAULT '[]',
  updated_at text NOT NULL
);
