/**
 * Captures the delivery configuration that applies to one organization right now — the input of the
 * planner — so intake can store it with the alert (R-DEL-10) and the Routing page can simulate with
 * exactly what intake would use. Reads only; no secrets (credentials stay in their rows).
 */
import { and, asc, eq, or } from "drizzle-orm";
import type { Executor } from "@/db";
import {
  emailSettings,
  organizations,
  partners,
  psaCompanyMappings,
  psaIntegrations,
  recipients,
} from "@/db/schema";
import { EMAIL_SETTINGS_DEFAULTS } from "@/lib/delivery-settings/email-settings";
import type { DeliveryConfigSnapshot, PsaIntegrationSnapshot } from "./types";

export async function loadPsaIntegrationSnapshots(
  tx: Executor,
  partnerId: string,
  organizationId: string,
): Promise<PsaIntegrationSnapshot[]> {
  const rows = await tx
    .select({
      id: psaIntegrations.id,
      name: psaIntegrations.name,
      vendor: psaIntegrations.vendor,
      status: psaIntegrations.status,
      defaults: psaIntegrations.defaults,
      priorityMap: psaIntegrations.priorityMap,
      fallbackCompanyId: psaIntegrations.fallbackCompanyId,
      fallbackCompanyName: psaIntegrations.fallbackCompanyName,
      fallbackContactId: psaIntegrations.fallbackContactId,
      mappingCompanyId: psaCompanyMappings.companyId,
      mappingCompanyName: psaCompanyMappings.companyName,
      mappingContactId: psaCompanyMappings.contactId,
      mappingSiteId: psaCompanyMappings.siteId,
      mappingOverrides: psaCompanyMappings.overrides,
    })
    .from(psaIntegrations)
    .leftJoin(
      psaCompanyMappings,
      and(eq(psaCompanyMappings.integrationId, psaIntegrations.id), eq(psaCompanyMappings.organizationId, organizationId)),
    )
    .where(eq(psaIntegrations.partnerId, partnerId))
    .orderBy(asc(psaIntegrations.createdAt), asc(psaIntegrations.id));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    vendor: r.vendor,
    status: r.status,
    mapping:
      r.mappingCompanyId !== null
        ? {
            companyId: r.mappingCompanyId,
            companyName: r.mappingCompanyName ?? r.mappingCompanyId,
            contactId: r.mappingContactId,
            siteId: r.mappingSiteId,
            overrides: r.mappingOverrides ?? {},
          }
        : null,
    fallback: r.fallbackCompanyId
      ? { companyId: r.fallbackCompanyId, companyName: r.fallbackCompanyName ?? r.fallbackCompanyId, contactId: r.fallbackContactId }
      : null,
    defaults: r.defaults ?? {},
    priorityMap: r.priorityMap ?? {},
  }));
}

/** The whole snapshot for one organization of one partner; null when the organization is not the partner's. */
export async function loadDeliveryConfigSnapshot(
  tx: Executor,
  partnerId: string,
  organizationId: string,
): Promise<DeliveryConfigSnapshot | null> {
  const [org] = await tx
    .select({ id: organizations.id, name: organizations.name, deliveryEnabled: organizations.deliveryEnabled, partnerName: partners.name })
    .from(organizations)
    .innerJoin(partners, eq(partners.id, organizations.partnerId))
    .where(and(eq(organizations.id, organizationId), eq(organizations.partnerId, partnerId)))
    .limit(1);
  if (!org) return null;
  const [settingsRows, recipientRows, psa] = await Promise.all([
    tx.select().from(emailSettings).where(eq(emailSettings.partnerId, partnerId)).limit(1),
    tx
      .select({
        id: recipients.id,
        scope: recipients.scope,
        organizationId: recipients.organizationId,
        email: recipients.email,
        priorities: recipients.priorities,
        note: recipients.note,
      })
      .from(recipients)
      .where(
        and(
          eq(recipients.partnerId, partnerId),
          or(eq(recipients.scope, "global"), eq(recipients.organizationId, organizationId)),
        ),
      )
      .orderBy(asc(recipients.createdAt), asc(recipients.id)),
    loadPsaIntegrationSnapshots(tx, partnerId, organizationId),
  ]);
  const s = settingsRows[0];
  return {
    partner: { id: partnerId, name: org.partnerName },
    organization: { id: org.id, name: org.name, deliveryEnabled: org.deliveryEnabled },
    email: s
      ? {
          globalSubjectFormat: s.globalSubjectFormat,
          organizationSubjectFormat: s.organizationSubjectFormat,
          respondEventDetail: s.respondEventDetail,
          iocEventDetail: s.iocEventDetail,
        }
      : { ...EMAIL_SETTINGS_DEFAULTS },
    globalRecipients: recipientRows
      .filter((r) => r.scope === "global")
      .map((r) => ({ id: r.id, email: r.email, note: r.note })),
    organizationRecipients: recipientRows
      .filter((r) => r.scope === "organization" && r.organizationId === organizationId)
      .map((r) => ({ id: r.id, email: r.email, priorities: r.priorities, note: r.note })),
    psaIntegrations: psa,
  };
}
