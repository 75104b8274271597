/**
 * Data sources (seed 002): connections (integrations/applications), their external-source
 * mappings, the one-per-application-type-per-organization constraint, consent links and telemetry.
 */
import {
  bigserial,
  index,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations, partners } from "./tenancy";
import { user } from "./auth";

export const entryPointEnum = pgEnum("entry_point", ["settings", "organization"]);
export const authModeEnum = pgEnum("auth_mode", ["credentials", "oauth", "consent_link"]);
export const connectionStatusEnum = pgEnum("connection_status", ["pending", "connected", "disabled"]);
export const consentStateEnum = pgEnum("consent_state", ["sent", "opened", "completed", "expired", "revoked"]);

export const connections = pgTable(
  "connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    appType: text("app_type").notNull(),
    entryPoint: entryPointEnum("entry_point").notNull(),
    /** The organization selected during setup: unmapped telemetry is stored here (R-INT-5). */
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Identity of the source instance (e.g. API URL + key id, tenant id) for the duplicate warning (R-INT-4). */
    instanceKey: text("instance_key"),
    credentialsCiphertext: text("credentials_ciphertext"),
    credentialsSetAt: timestamp("credentials_set_at", { withTimezone: true }),
    /** Non-secret settings (URLs, region, tenant/customer id recorded at consent). */
    settings: jsonb("settings").$type<Record<string, string>>().notNull().default({}),
    authMode: authModeEnum("auth_mode").notNull(),
    status: connectionStatusEnum("status").notNull().default("pending"),
    ingestTokenHash: text("ingest_token_hash"),
    ingestTokenPrefix: text("ingest_token_prefix"),
    lastTelemetryAt: timestamp("last_telemetry_at", { withTimezone: true }),
    /**
     * Hash of the OAuth `state` while an MSP user completes the provider's admin consent themselves
     * ("I have the customer's admin credentials"); customer-completed flows bind it to the consent link.
     */
    oauthStateHash: text("oauth_state_hash"),
    oauthStateExpiresAt: timestamp("oauth_state_expires_at", { withTimezone: true }),
    createdByUserId: text("created_by_user_id").references(() => user.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("connections_partner_idx").on(t.partnerId, t.entryPoint),
    index("connections_instance_idx").on(t.partnerId, t.appType, t.instanceKey),
    uniqueIndex("connections_ingest_token_uq").on(t.ingestTokenHash),
    uniqueIndex("connections_oauth_state_uq").on(t.oauthStateHash),
  ],
);

export const connectionMappings = pgTable(
  "connection_mappings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    externalSourceId: text("external_source_id").notNull(),
    externalSourceName: text("external_source_name"),
    /** null: seen but unmapped — its telemetry goes to the connection's organization. */
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("connection_mappings_uq").on(t.connectionId, t.externalSourceId)],
);

export const organizationApplications = pgTable(
  "organization_applications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    appType: text("app_type").notNull(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // R-INT-2: one connection per application type per organization, enforced here.
  (t) => [
    uniqueIndex("organization_applications_org_app_uq").on(t.organizationId, t.appType),
    index("organization_applications_connection_idx").on(t.connectionId),
  ],
);

export const consentLinks = pgTable(
  "consent_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** SHA-256 of the token; the token itself exists only in the link (R-INT-6). */
    tokenHash: text("token_hash").notNull().unique(),
    state: consentStateEnum("state").notNull().default("sent"),
    sentTo: text("sent_to"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /** Hash of the OAuth `state` bound to this link while the provider flow is under way. */
    oauthStateHash: text("oauth_state_hash"),
    createdByUserId: text("created_by_user_id").references(() => user.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("consent_links_connection_idx").on(t.connectionId, t.createdAt),
    uniqueIndex("consent_links_oauth_state_uq").on(t.oauthStateHash),
  ],
);

export const telemetryEvents = pgTable(
  "telemetry_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    partnerId: uuid("partner_id").notNull(),
    organizationId: uuid("organization_id").notNull(),
    connectionId: uuid("connection_id").notNull(),
    externalSourceId: text("external_source_id").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    payload: jsonb("payload").notNull(),
  },
  (t) => [
    index("telemetry_events_org_received_idx").on(t.organizationId, t.receivedAt),
    index("telemetry_events_connection_received_idx").on(t.connectionId, t.receivedAt),
  ],
);
