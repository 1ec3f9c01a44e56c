-- The audit log: append-only and hash-chained. hash = sha256(prev_hash || canonical row), where
-- the canonical row is the RFC 8785 JSON of {action, actor, at, payload, seq, subject}; the first
-- row's prev_hash is 64 zeros. payload is stored as its canonical JSON text (not jsonb, which
-- would re-serialise it). `channelguard audit-log verify` recomputes the chain.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  payload text NOT NULL,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);

-- Append-only in the database too: UPDATE, DELETE and TRUNCATE are refused for every role that
-- does not first disable the trigger (which itself needs table ownership and shows in verify).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
