-- The exception rows a report shows are no longer stored per tenant in the database: writing a
-- report-sized JSON value per flagged tenant was the audit's slowest statement at a million tenants.
-- They go to a spill file beside the partner's reports (src/audit/exception-spill.ts) between
-- deciding and reporting; a crashed run recomputes its decisions anyway (crash-only).
ALTER TABLE audit_decisions DROP COLUMN report;
