/**
 * Delivery configuration (email settings, recipients, PSA integrations and their mappings)
 * and the delivery ledger (alerts, deliveries = outbox + queue + log, attempts).
 */
import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations, partners } from "./tenancy";

export const priorityEnum = pgEnum("priority", ["low", "medium", "high", "critical"]);
export const recipientScopeEnum = pgEnum("recipient_scope", ["global", "organization"]);
export const psaVendorEnum = pgEnum("psa_vendor", ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"]);
export const psaStatusEnum = pgEnum("psa_status", ["active", "paused"]);
export const deliveryChannelEnum = pgEnum("delivery_channel", ["psa", "email"]);
export const deliveryStatusEnum = pgEnum("delivery_status", [
  "planned",
  "sending",
  "sent",
  "skipped",
  "failed",
  "dead",
]);

export const emailSettings = pgTable("email_settings", {
  partnerId: uuid("partner_id")
    .primaryKey()
    .references(() => partners.id, { onDelete: "cascade" }),
  globalSubjectFormat: text("global_subject_format").notNull(),
  organizationSubjectFormat: text("organization_subject_format").notNull(),
  respondEventDetail: boolean("respond_event_detail").notNull().default(true),
  iocEventDetail: boolean("ioc_event_detail").notNull().default(true),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const recipients = pgTable(
  "recipients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    scope: recipientScopeEnum("scope").notNull(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    /** Organization recipients only: which alert priorities they receive (R-DEL-5). */
    priorities: priorityEnum("priorities").array().notNull().default(sql`'{}'::priority[]`),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("recipients_global_uq")
      .on(t.partnerId, sql`lower(${t.email})`)
      .where(sql`${t.scope} = 'global'`),
    uniqueIndex("recipients_org_uq")
      .on(t.organizationId, sql`lower(${t.email})`)
      .where(sql`${t.scope} = 'organization'`),
    index("recipients_partner_scope_idx").on(t.partnerId, t.scope),
  ],
);

export const psaIntegrations = pgTable(
  "psa_integrations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    vendor: psaVendorEnum("vendor").notNull(),
    name: text("name").notNull(),
    status: psaStatusEnum("status").notNull().default("active"),
    /** AES-256-GCM envelope of the credential object (R-SEC-2); never rendered. */
    credentialsCiphertext: text("credentials_ciphertext").notNull(),
    credentialsSetAt: timestamp("credentials_set_at", { withTimezone: true }).notNull().defaultNow(),
    /** Non-secret connection facts (e.g. the Autotask zone discovered at test time). */
    connection: jsonb("connection").$type<Record<string, string>>().notNull().default({}),
    /** Ticket defaults: board/queue, status, type, source, contract ... keyed by the vendor descriptor. */
    defaults: jsonb("defaults").$type<Record<string, string>>().notNull().default({}),
    priorityMap: jsonb("priority_map").$type<Partial<Record<"low" | "medium" | "high" | "critical", string>>>().notNull().default({}),
    /** Catch-all company/contact for organizations without a mapping (R-DEL-4). */
    fallbackCompanyId: text("fallback_company_id"),
    fallbackCompanyName: text("fallback_company_name"),
    fallbackContactId: text("fallback_contact_id"),
    lastTestAt: timestamp("last_test_at", { withTimezone: true }),
    lastTestOk: boolean("last_test_ok"),
    lastTestMessage: text("last_test_message"),
    /** Circuit-breaker state kept by the workers: { state, openedAt, failures }. */
    health: jsonb("health").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("psa_integrations_partner_idx").on(t.partnerId)],
);

export const psaCompanyMappings = pgTable(
  "psa_company_mappings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => psaIntegrations.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    companyId: text("company_id").notNull(),
    companyName: text("company_name").notNull(),
    contactId: text("contact_id"),
    siteId: text("site_id"),
    /** Per-organization overrides of the integration's ticket defaults. */
    overrides: jsonb("overrides").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("psa_company_mappings_uq").on(t.integrationId, t.organizationId),
    index("psa_company_mappings_org_idx").on(t.organizationId),
  ],
);

export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    priority: priorityEnum("priority").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    detectedAt: timestamp("detected_at", { withTimezone: true }).notNull(),
    source: text("source"),
    respondEvents: jsonb("respond_events").$type<unknown[]>().notNull().default([]),
    iocMatches: jsonb("ioc_matches").$type<unknown[]>().notNull().default([]),
    /** The configuration snapshot the plan was made from (R-DEL-10). */
    snapshot: jsonb("snapshot").$type<Record<string, unknown>>().notNull(),
    /** Plan summary for lists: { planned, skipped }. */
    planSummary: jsonb("plan_summary").$type<Record<string, number>>().notNull().default({}),
    idempotencyKey: text("idempotency_key"),
    isTest: boolean("is_test").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("alerts_partner_created_idx").on(t.partnerId, t.createdAt),
    index("alerts_org_created_idx").on(t.organizationId, t.createdAt),
    index("alerts_partner_priority_created_idx").on(t.partnerId, t.priority, t.createdAt),
    uniqueIndex("alerts_idempotency_uq").on(t.partnerId, t.idempotencyKey),
  ],
);

export const deliveries = pgTable(
  "deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id").notNull(),
    alertId: uuid("alert_id")
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    channel: deliveryChannelEnum("channel").notNull(),
    /** PSA integration id, or the lower-cased email address. */
    target: text("target").notNull(),
    status: deliveryStatusEnum("status").notNull(),
    rule: text("rule").notNull(),
    reason: text("reason").notNull(),
    /** The planned delivery as the planner produced it (company, fields, subject, toggles). */
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    attempts: integer("attempts").notNull().default(0),
    /** Times an admin or support user pressed Retry; the schedule restarts, but the channel still searches first. */
    manualRetries: integer("manual_retries").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    leaseOwner: text("lease_owner"),
    /** Ticket id in the PSA, or the email Message-ID. */
    externalRef: text("external_ref"),
    lastError: text("last_error"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("deliveries_alert_channel_target_uq").on(t.alertId, t.channel, t.target),
    // The worker's claim query: due rows that still need sending.
    index("deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('planned', 'failed', 'sending')`),
    index("deliveries_partner_target_idx").on(t.partnerId, t.channel, t.target, t.updatedAt),
    // Routing health panel: a partner's deliveries of the last 24 h — a range, not every row of the partner —
    // answered from the index alone (the columns it counts by are in it: an index-only scan, no heap visits).
    index("deliveries_partner_updated_idx").on(t.partnerId, t.updatedAt, t.channel, t.status, t.target, t.sentAt),
  ],
);

export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    durationMs: integer("duration_ms").notNull(),
    outcome: text("outcome").notNull(),
    httpStatus: integer("http_status"),
    error: text("error"),
    worker: text("worker"),
  },
  (t) => [index("delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

/** The embedded default's mail sink: without SMTP_URL, mail lands here and shows in the console. */
export const devMailbox = pgTable(
  "dev_mailbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id").references(() => partners.id, { onDelete: "cascade" }),
    messageId: text("message_id").notNull(),
    from: text("from_address").notNull(),
    to: text("to_address").notNull(),
    subject: text("subject").notNull(),
    html: text("html"),
    text: text("text"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("dev_mailbox_partner_created_idx").on(t.partnerId, t.createdAt)],
);
