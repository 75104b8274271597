/**
 * Test fixtures that write configuration the way the product stores it (real tables, real
 * transactions), for integration tests of the delivery engine.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/db";
import { emailSettings, psaCompanyMappings, psaIntegrations, recipients } from "@/db/schema";
import { createPartnerWithAdmin } from "@/lib/auth/accounts";
import { loadViewer } from "@/lib/auth/viewer";
import { encryptCredentials } from "@/lib/crypto/secrets";
import { createOrganization } from "@/lib/orgs/organizations";
import type { Priority } from "@/lib/delivery/types";

export async function makePartner(name = `MSP ${randomUUID().slice(0, 6)}`) {
  const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
  const { partnerId, userId } = await createPartnerWithAdmin({ partnerName: name, email, password: "correct horse battery" });
  const viewer = (await loadViewer(userId, email, email, "test"))!;
  return { partnerId, userId, viewer };
}

export async function makeOrganization(viewer: Awaited<ReturnType<typeof makePartner>>["viewer"], name: string, opts: { deliveryEnabled?: boolean; externalRef?: string } = {}) {
  const org = (await createOrganization(viewer, { name, externalRef: opts.externalRef }))!;
  if (opts.deliveryEnabled === false) {
    const { organizations } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    await db.update(organizations).set({ deliveryEnabled: false }).where(eq(organizations.id, org.id));
  }
  return org;
}

export async function addGlobalRecipient(partnerId: string, email: string) {
  await db.insert(recipients).values({ partnerId, scope: "global", email: email.toLowerCase() });
}

export async function addOrganizationRecipient(partnerId: string, organizationId: string, email: string, priorities: Priority[]) {
  await db.insert(recipients).values({ partnerId, scope: "organization", organizationId, email: email.toLowerCase(), priorities });
}

export async function setEmailSettings(partnerId: string, s: Partial<{ globalSubjectFormat: string; organizationSubjectFormat: string; respondEventDetail: boolean; iocEventDetail: boolean }>) {
  const values = {
    partnerId,
    globalSubjectFormat: s.globalSubjectFormat ?? "[{{ alert.priority }}] {{ alert.title }} – {{ organization.name }}",
    organizationSubjectFormat: s.organizationSubjectFormat ?? "[{{ alert.priority }}] {{ organization.name }}: {{ alert.title }}",
    respondEventDetail: s.respondEventDetail ?? true,
    iocEventDetail: s.iocEventDetail ?? true,
  };
  await db.insert(emailSettings).values(values).onConflictDoUpdate({ target: emailSettings.partnerId, set: values });
}

export async function addPsaIntegration(
  partnerId: string,
  opts: {
    vendor: "connectwise" | "autotask" | "kaseya_bms" | "halopsa" | "syncro";
    name?: string;
    credentials: Record<string, string>;
    status?: "active" | "paused";
    defaults?: Record<string, string>;
    priorityMap?: Partial<Record<Priority, string>>;
    fallback?: { companyId: string; companyName: string; contactId?: string };
    mappings?: { organizationId: string; companyId: string; companyName: string; contactId?: string; siteId?: string }[];
  },
) {
  const id = randomUUID();
  await db.insert(psaIntegrations).values({
    id,
    partnerId,
    vendor: opts.vendor,
    name: opts.name ?? opts.vendor,
    status: opts.status ?? "active",
    credentialsCiphertext: encryptCredentials(opts.credentials, { partnerId, rowId: id }),
    defaults: opts.defaults ?? {},
    priorityMap: opts.priorityMap ?? {},
    fallbackCompanyId: opts.fallback?.companyId ?? null,
    fallbackCompanyName: opts.fallback?.companyName ?? null,
    fallbackContactId: opts.fallback?.contactId ?? null,
  });
  for (const m of opts.mappings ?? []) {
    await db.insert(psaCompanyMappings).values({ partnerId, integrationId: id, ...m });
  }
  return id;
}
