/**
 * The PSA delivery channel: turns one planned PSA delivery into one ticket, effectively once (R-REL-2).
 *
 * It does not decide routing — the company, contact, site, ticket fields and priority come from the plan
 * (lib/delivery/plan.ts) exactly as they were decided. It loads the integration's credentials (decrypting
 * them once per integration and credential change, see lib/psa-integrations/clients.ts), builds the
 * TicketDraft, and — when the previous attempt's outcome is unknown (a timeout, a dropped connection, a
 * worker killed mid-call) — first looks for the ticket carrying this delivery's reference `sb:<delivery id>`
 * before creating one. PsaError is thrown as it is: the worker decides retry or stop from `retryable`.
 */
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { psaIntegrations } from "@/db/schema";
import { psaClientFor } from "@/lib/psa-integrations/clients";
import { PsaError, PSA_VENDORS, type PsaVendor, type TicketDraft } from "@/lib/psa";
import { PRIORITY_LABELS, psaCompanyNoun, type AlertForDelivery, type PsaDeliveryDetail } from "../types";

export type PsaDeliveryAlert = AlertForDelivery & { organizationName: string };

export type PsaDeliveryInput = {
  partnerId: string;
  /** Defaults to planned.integrationId (the worker passes only the plan). */
  integrationId?: string;
  /** The deliveries row id; the ticket reference is derived from it, so every retry carries the same one. */
  deliveryId: string;
  alert: PsaDeliveryAlert;
  planned: PsaDeliveryDetail;
  /** True when an earlier attempt may have created the ticket (timeout, dropped connection, crash). */
  previousAttemptUncertain: boolean;
};

export type PsaDeliveryResult = {
  ticketId: string;
  ticketNumber?: string;
  /** True when an existing ticket with this delivery's reference was found instead of creating one (R-REL-2). */
  found: boolean;
};

/** "sb:<delivery id>": stable per delivery, written where the vendor can search it. */
export function psaTicketReference(deliveryId: string): string {
  return `sb:${deliveryId}`;
}

/** Ticket title: a stable, parseable "<PRIORITY> - <alert title> (<organization>)" that PSA workflow rules can match. */
export function psaTicketTitle(alert: PsaDeliveryAlert): string {
  const org = alert.organizationName.trim();
  return `${PRIORITY_LABELS[alert.priority].toUpperCase()} - ${alert.title.trim()}${org ? ` (${org})` : ""}`;
}

const MAX_LISTED_EVENTS = 50;

function isoTime(value: Date | string): string {
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
}

/** Plain-text ticket body: summary, the facts a technician triages by, then Respond events and IOC matches. */
export function psaTicketBody(alert: PsaDeliveryAlert, reference: string): string {
  const lines: string[] = [alert.summary.trim(), ""];
  lines.push(`Organization: ${alert.organizationName}`);
  lines.push(`Priority: ${PRIORITY_LABELS[alert.priority]}`);
  lines.push(`Detected: ${isoTime(alert.detectedAt)}`);
  if (alert.source) lines.push(`Source: ${alert.source}`);
  lines.push(`Alert ID: ${alert.id}`);
  lines.push(`Switchboard reference: ${reference}`);

  // PSA tickets always carry the detail: the Respond/IOC toggles of R-DEL-7 govern email content only.
  if (alert.respondEvents.length) {
    lines.push("", `Respond events (${alert.respondEvents.length}):`);
    for (const e of alert.respondEvents.slice(0, MAX_LISTED_EVENTS)) {
      const parts = [isoTime(e.time), e.action, e.target, e.result].filter(Boolean);
      lines.push(`- ${parts.join(" — ")}`);
      if (e.detail) lines.push(`  ${e.detail}`);
    }
    if (alert.respondEvents.length > MAX_LISTED_EVENTS) {
      lines.push(`- … and ${alert.respondEvents.length - MAX_LISTED_EVENTS} more`);
    }
  }
  if (alert.iocMatches.length) {
    lines.push("", `IOC matches (${alert.iocMatches.length}):`);
    for (const m of alert.iocMatches.slice(0, MAX_LISTED_EVENTS)) {
      const extra = [m.source, m.time ? isoTime(m.time) : undefined].filter(Boolean).join(", ");
      lines.push(`- ${m.type}: ${m.value}${extra ? ` (${extra})` : ""}`);
    }
    if (alert.iocMatches.length > MAX_LISTED_EVENTS) {
      lines.push(`- … and ${alert.iocMatches.length - MAX_LISTED_EVENTS} more`);
    }
  }
  return lines.join("\n");
}

function asVendor(vendor: string): PsaVendor {
  return (PSA_VENDORS as readonly string[]).includes(vendor) ? (vendor as PsaVendor) : "connectwise";
}

/** The TicketDraft for a planned delivery; pure, so the wizard's preview and the worker agree. */
export function buildPsaTicketDraft(input: Pick<PsaDeliveryInput, "deliveryId" | "alert" | "planned">): TicketDraft {
  const { planned, alert } = input;
  if (!planned.companyId) {
    throw new PsaError({
      vendor: asVendor(planned.vendor),
      kind: "validation",
      retryable: false,
      message: `This delivery to ${planned.integrationName} has no ${psaCompanyNoun(planned.vendor)} to file the ticket under (it was planned as skipped).`,
    });
  }
  const reference = psaTicketReference(input.deliveryId);
  // The priority travels as priorityId; leaving it in fields too would send it twice to vendors that read both.
  const { priority: _priority, ...fields } = planned.fields;
  void _priority;
  return {
    companyId: planned.companyId,
    ...(planned.contactId ? { contactId: planned.contactId } : {}),
    ...(planned.siteId ? { siteId: planned.siteId } : {}),
    title: psaTicketTitle(alert),
    body: psaTicketBody(alert, reference),
    reference,
    ...(planned.priorityId ? { priorityId: planned.priorityId } : {}),
    fields,
  };
}

/**
 * Sends one PSA delivery. Returns the ticket id (and number when the vendor gives one); `found` is true when a
 * retry found the ticket an uncertain earlier attempt had already created. Throws PsaError unchanged.
 */
export async function sendPsaDelivery(
  input: PsaDeliveryInput,
  options: { executor?: Executor } = {},
): Promise<PsaDeliveryResult> {
  const executor = options.executor ?? db;
  const [row] = await executor
    .select({
      id: psaIntegrations.id,
      partnerId: psaIntegrations.partnerId,
      vendor: psaIntegrations.vendor,
      credentialsCiphertext: psaIntegrations.credentialsCiphertext,
      credentialsSetAt: psaIntegrations.credentialsSetAt,
    })
    .from(psaIntegrations)
    .where(and(eq(psaIntegrations.id, input.integrationId ?? input.planned.integrationId), eq(psaIntegrations.partnerId, input.partnerId)))
    .limit(1);
  if (!row) {
    throw new PsaError({
      vendor: asVendor(input.planned.vendor),
      kind: "not_found",
      retryable: false,
      message: `The PSA integration ${input.planned.integrationName} no longer exists; no ticket was created.`,
    });
  }
  const draft = buildPsaTicketDraft(input);
  const client = psaClientFor(row);
  if (input.previousAttemptUncertain) {
    const existing = await client.findTicketByReference(draft.reference, draft.companyId);
    if (existing) {
      return { ticketId: existing.id, ...(existing.number ? { ticketNumber: existing.number } : {}), found: true };
    }
  }
  const created = await client.createTicket(draft);
  return { ticketId: created.id, ...(created.number ? { ticketNumber: created.number } : {}), found: false };
}
