-- The deliveries ledger grows by ~20 rows per alert and each row is updated as it is sent, so PostgreSQL's default
-- autovacuum thresholds (20 % of the table dead or newly inserted) let millions of dead tuples and not-all-visible
-- pages pile up on a large tenant. The Routing health panel and the Alerts list read the newest deliveries through
-- covering indexes; index-only scans need the visibility map set, so vacuum these tables after ~1 % of change.
ALTER TABLE "deliveries" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);--> statement-breakpoint
ALTER TABLE "delivery_attempts" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);--> statement-breakpoint
ALTER TABLE "alerts" SET (autovacuum_vacuum_insert_scale_factor = 0.02);
