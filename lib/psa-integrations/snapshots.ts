/**
 * The PSA part of the delivery configuration snapshot (R-DEL-10): every finished PSA integration of the
 * partner, with this organization's mapping (or null), the catch-all company, the ticket defaults, the
 * priority map and the status. Intake calls it inside its transaction; the test ticket calls it too, so
 * both plan from the same facts. Holds no secrets.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { psaCompanyMappings, psaIntegrations } from "@/db/schema";
import type { PsaIntegrationSnapshot } from "@/lib/delivery/types";
import { SETUP_KEY, SETUP_UNFINISHED } from "./setup-state";

export async function loadPsaSnapshots(
  partnerId: string,
  organizationId: string,
  executor: Executor = db,
): Promise<PsaIntegrationSnapshot[]> {
  const rows = await executor
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
      and(
        eq(psaCompanyMappings.integrationId, psaIntegrations.id),
        eq(psaCompanyMappings.organizationId, organizationId),
        eq(psaCompanyMappings.partnerId, partnerId),
      ),
    )
    .where(
      and(
        eq(psaIntegrations.partnerId, partnerId),
        // An integration whose + Add PSA wizard was never finished is not configured: it plans nothing.
        sql`coalesce(${psaIntegrations.connection}->>${SETUP_KEY}, '') <> ${SETUP_UNFINISHED}`,
      ),
    )
    .orderBy(asc(psaIntegrations.name), asc(psaIntegrations.id));

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
            overrides: { ...(r.mappingOverrides ?? {}) },
          }
        : null,
    fallback: r.fallbackCompanyId
      ? { companyId: r.fallbackCompanyId, companyName: r.fallbackCompanyName ?? r.fallbackCompanyId, contactId: r.fallbackContactId }
      : null,
    defaults: { ...r.defaults },
    priorityMap: { ...r.priorityMap },
  }));
}
