/**
 * Shared vocabulary of alert delivery: priorities, the alert as delivery sees it, the configuration
 * snapshot the planner decides from (R-DEL-10), and the plan it produces (R-DEL-11).
 *
 * Everything here is plain data (JSON-serialisable) so a plan and its snapshot can be stored with the
 * alert and read back unchanged by the worker, the "why" page and the simulator.
 */
import { z } from "zod";

// ---------------------------------------------------------------------------------------------------
// Priorities
// ---------------------------------------------------------------------------------------------------

/** Ordered from least to most urgent; the order is used wherever priorities are listed to a person. */
export const PRIORITIES = ["low", "medium", "high", "critical"] as const;

export type Priority = (typeof PRIORITIES)[number];

export const PRIORITY_LABELS: Readonly<Record<Priority, string>> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

export const prioritySchema = z.enum(PRIORITIES);

export function priorityLabel(priority: Priority): string {
  return PRIORITY_LABELS[priority];
}

/**
 * "Critical", "Medium and Critical", "Medium, High and Critical" — always in PRIORITIES order and
 * without duplicates, so the same scope always reads the same way in reasons and on screens.
 */
export function formatPriorityList(priorities: readonly Priority[]): string {
  const labels = PRIORITIES.filter((p) => priorities.includes(p)).map(priorityLabel);
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------------
// PSA vendors
// ---------------------------------------------------------------------------------------------------

export const PSA_VENDORS = ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"] as const;

export type PsaVendor = (typeof PSA_VENDORS)[number];

export const PSA_VENDOR_LABELS: Readonly<Record<PsaVendor, string>> = {
  connectwise: "ConnectWise",
  autotask: "Autotask",
  kaseya_bms: "Kaseya BMS",
  halopsa: "HaloPSA",
  syncro: "Syncro",
};

/**
 * Display name of a vendor. The snapshot stores the vendor as a plain string (a plan stored today must
 * still read back after a vendor is added or renamed), so an unknown value is shown as it is.
 */
export function psaVendorLabel(vendor: string): string {
  return (PSA_VENDOR_LABELS as Record<string, string>)[vendor] ?? vendor;
}

/**
 * What each PSA calls the customer record a ticket is filed under (SPEC: "company/account/client/
 * customer"), so reasons read in the admin's own PSA vocabulary.
 */
export const PSA_COMPANY_NOUNS: Readonly<Record<PsaVendor, string>> = {
  connectwise: "company",
  autotask: "account",
  kaseya_bms: "account",
  halopsa: "client",
  syncro: "customer",
};

export function psaCompanyNoun(vendor: string): string {
  return (PSA_COMPANY_NOUNS as Record<string, string>)[vendor] ?? "company";
}

// ---------------------------------------------------------------------------------------------------
// The alert, as delivery sees it
// ---------------------------------------------------------------------------------------------------

/** One response action the SOC or an automation took that is part of the alert (R-DEL-7). */
export type RespondEvent = {
  /** ISO-8601 timestamp with offset, e.g. "2025-03-04T14:07:12Z". */
  time: string;
  /** What was done, e.g. "Host isolated", "Process terminated". */
  action: string;
  /** What it was done to, e.g. a host name, a process, a user, a file path. */
  target?: string;
  /** Outcome as reported by the tool, e.g. "Succeeded", "Failed: access denied". */
  result?: string;
  /** Free-text detail; shown only where there is room (never in a subject). */
  detail?: string;
};

/** One indicator-of-compromise match associated with the alert (R-DEL-7). */
export type IocMatch = {
  /** Indicator kind, lower-case: "ip", "domain", "url", "sha256", "md5", "email", ... */
  type: string;
  /** The indicator itself, e.g. "203.0.113.45". */
  value: string;
  /** Threat-intelligence feed or detector that matched it. */
  source?: string;
  /** ISO-8601 timestamp of the match. */
  time?: string;
};

// Limits are generous for real detections but stop a single alert from carrying megabytes of text into
// every email and every stored plan.
export const RESPOND_EVENT_LIMITS = { action: 200, target: 500, result: 300, detail: 2000 } as const;
export const IOC_MATCH_LIMITS = { type: 32, value: 2048, source: 200 } as const;
export const MAX_RESPOND_EVENTS = 200;
export const MAX_IOC_MATCHES = 500;

const isoTimestamp = z.iso.datetime({ offset: true, error: "Must be an ISO-8601 timestamp, e.g. 2025-03-04T14:07:12Z" });

/** Optional text: blank is treated as absent so stored events never carry empty strings. */
function optionalText(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === "" ? undefined : v));
}

export const respondEventSchema = z.object({
  time: isoTimestamp,
  action: z.string().trim().min(1, "Action is required").max(RESPOND_EVENT_LIMITS.action),
  target: optionalText(RESPOND_EVENT_LIMITS.target),
  result: optionalText(RESPOND_EVENT_LIMITS.result),
  detail: optionalText(RESPOND_EVENT_LIMITS.detail),
}) satisfies z.ZodType<RespondEvent>;

export const iocMatchSchema = z.object({
  type: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Type is required")
    .max(IOC_MATCH_LIMITS.type)
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'Type must be a short lower-case word such as "ip", "domain" or "sha256"'),
  value: z.string().trim().min(1, "Value is required").max(IOC_MATCH_LIMITS.value),
  source: optionalText(IOC_MATCH_LIMITS.source),
  time: isoTimestamp.optional(),
}) satisfies z.ZodType<IocMatch>;

export const respondEventsSchema = z.array(respondEventSchema).max(MAX_RESPOND_EVENTS);
export const iocMatchesSchema = z.array(iocMatchSchema).max(MAX_IOC_MATCHES);

export type AlertForDelivery = {
  id: string;
  organizationId: string;
  priority: Priority;
  title: string;
  summary: string;
  /** A Date, or an ISO-8601 string when read back from JSON. */
  detectedAt: Date | string;
  /** Detector or data source that raised the alert, e.g. "Datto EDR". */
  source?: string | null;
  respondEvents: RespondEvent[];
  iocMatches: IocMatch[];
};

// ---------------------------------------------------------------------------------------------------
// Configuration snapshot (R-DEL-10)
// ---------------------------------------------------------------------------------------------------

export type PsaCompanyMappingSnapshot = {
  companyId: string;
  companyName: string;
  contactId?: string | null;
  siteId?: string | null;
  /** Per-organization ticket field overrides (board, status, type, agreement, priority, ...). */
  overrides: Record<string, string>;
};

export type PsaFallbackSnapshot = {
  companyId: string;
  companyName: string;
  contactId?: string | null;
};

export type PsaIntegrationSnapshot = {
  id: string;
  name: string;
  /** One of PSA_VENDORS; typed as string so stored snapshots survive vendor list changes. */
  vendor: string;
  status: "active" | "paused";
  /** This organization's company mapping in the integration, or null when the organization is unmapped. */
  mapping: PsaCompanyMappingSnapshot | null;
  /** The integration's default (catch-all) company and contact for unmapped organizations (R-DEL-4). */
  fallback: PsaFallbackSnapshot | null;
  /** Integration-wide ticket field defaults, keyed by field name (board, status, type, source, ...). */
  defaults: Record<string, string>;
  /** Alert priority → the PSA's priority id. */
  priorityMap: Partial<Record<Priority, string>>;
};

export type GlobalRecipientSnapshot = { id: string; email: string; note?: string | null };

export type OrganizationRecipientSnapshot = {
  id: string;
  email: string;
  /** Priority scope: the alert priorities this recipient is emailed about (R-DEL-5). */
  priorities: Priority[];
  note?: string | null;
};

export type EmailSettingsSnapshot = {
  globalSubjectFormat: string;
  organizationSubjectFormat: string;
  respondEventDetail: boolean;
  iocEventDetail: boolean;
};

/**
 * Everything the planner needs, captured when the alert is accepted and stored with it, so a later
 * settings change affects only later alerts (R-DEL-10). Holds no secrets: credentials stay in the
 * integration row and are read by the channel at send time.
 */
export type DeliveryConfigSnapshot = {
  partner: { id: string; name: string };
  organization: { id: string; name: string; deliveryEnabled: boolean };
  email: EmailSettingsSnapshot;
  globalRecipients: GlobalRecipientSnapshot[];
  organizationRecipients: OrganizationRecipientSnapshot[];
  psaIntegrations: PsaIntegrationSnapshot[];
};

const id = z.string().min(1).max(200);
const name = z.string().max(500);
const stringRecord = z.record(z.string(), z.string());

/**
 * Reads a stored snapshot back (jsonb → typed). Deliberately lenient on lengths: it guards shape, not
 * policy — the settings forms enforce policy when the values are saved.
 */
export const deliveryConfigSnapshotSchema = z.object({
  partner: z.object({ id, name }),
  organization: z.object({ id, name, deliveryEnabled: z.boolean() }),
  email: z.object({
    globalSubjectFormat: z.string(),
    organizationSubjectFormat: z.string(),
    respondEventDetail: z.boolean(),
    iocEventDetail: z.boolean(),
  }),
  globalRecipients: z.array(z.object({ id, email: z.string(), note: z.string().nullish() })),
  organizationRecipients: z.array(
    z.object({ id, email: z.string(), priorities: z.array(prioritySchema), note: z.string().nullish() }),
  ),
  psaIntegrations: z.array(
    z.object({
      id,
      name,
      vendor: z.string(),
      status: z.enum(["active", "paused"]),
      mapping: z
        .object({
          companyId: z.string(),
          companyName: z.string(),
          contactId: z.string().nullish(),
          siteId: z.string().nullish(),
          overrides: stringRecord,
        })
        .nullable(),
      fallback: z
        .object({ companyId: z.string(), companyName: z.string(), contactId: z.string().nullish() })
        .nullable(),
      defaults: stringRecord,
      priorityMap: z.partialRecord(prioritySchema, z.string()),
    }),
  ),
}) satisfies z.ZodType<DeliveryConfigSnapshot>;

// ---------------------------------------------------------------------------------------------------
// The plan (R-DEL-11)
// ---------------------------------------------------------------------------------------------------

export type DeliveryChannel = "psa" | "email";

export type DeliveryStatus = "planned" | "skipped";

/**
 * The SPEC rule that decided a delivery. Planned PSA deliveries cite R-DEL-4 (where the ticket goes),
 * planned emails cite R-DEL-5 (why this address is included). R-SEC-5 marks a stored address that is
 * not a usable email address, which the planner refuses rather than hands to SMTP.
 */
export type DeliveryRuleId = "R-DEL-2" | "R-DEL-3" | "R-DEL-4" | "R-DEL-5" | "R-SEC-5";

export type RecipientList = "global" | "organization";

type PlannedDeliveryBase = {
  channel: DeliveryChannel;
  /** PSA integration id, or the lower-cased email address; unique per (alert, channel). */
  target: string;
  status: DeliveryStatus;
  rule: DeliveryRuleId;
  /** One sentence an MSP admin understands, shown on the alert's "why" page. */
  reason: string;
};

export type PsaDeliveryDetail = {
  integrationId: string;
  integrationName: string;
  vendor: string;
  companyId?: string;
  companyName?: string;
  contactId?: string;
  siteId?: string;
  /** How the company was chosen; null when the delivery is skipped. */
  via: "mapping" | "fallback" | null;
  /** Integration defaults overlaid by the mapping's overrides (fallback deliveries get the defaults). */
  fields: Record<string, string>;
  /** The PSA priority to set; see plan.ts for the precedence. */
  priorityId?: string;
};

export type EmailDeliveryDetail = {
  /** Lower-cased address the email is sent to. */
  address: string;
  /** Which list(s) the address came from; "global" first when both. */
  lists: RecipientList[];
  subjectFormat: RecipientList;
  /** The rendered subject. */
  subject: string;
  includeRespondEvents: boolean;
  includeIocMatches: boolean;
};

export type PsaPlannedDelivery = PlannedDeliveryBase & { channel: "psa"; psa: PsaDeliveryDetail };

export type EmailPlannedDelivery = PlannedDeliveryBase & { channel: "email"; email: EmailDeliveryDetail };

export type PlannedDelivery = PsaPlannedDelivery | EmailPlannedDelivery;

export type DeliveryPlan = {
  deliveries: PlannedDelivery[];
  summary: { planned: number; skipped: number };
};
