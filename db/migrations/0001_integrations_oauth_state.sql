ALTER TABLE "connections" ADD COLUMN "oauth_state_hash" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "oauth_state_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "connections_oauth_state_uq" ON "connections" USING btree ("oauth_state_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "consent_links_oauth_state_uq" ON "consent_links" USING btree ("oauth_state_hash");