/**
 * Fresh objects for probes that destroy or consume what they address (delete, revoke, retry, resend): each
 * probe gets its own, created through lib/ as the partner's admin, so probes never depend on each other.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { consentLinks, deliveries, membershipOrganizations } from "@/db/schema";
import { createUser } from "@/lib/auth/accounts";
import { createApiKey } from "@/lib/auth/api-keys";
import { addGlobalRecipient, addOrganizationRecipient } from "@/lib/delivery-settings";
import { acceptAlert } from "@/lib/delivery/intake";
import { createApplication } from "@/lib/integrations/connections";
import { createOrganization } from "@/lib/orgs/organizations";
import { savePsaConfiguration, startPsaIntegration } from "@/lib/psa-integrations";
import type { FakeSyncroInfo, PartnerWorld } from "./world";
import { PASSWORD } from "./world";

const n = () => randomBytes(3).toString("hex");

export type Scope = "scoped" | "other";

export function orgOf(p: PartnerWorld, scope: Scope) {
  return scope === "scoped" ? p.scopedOrg : p.otherOrg;
}

/** A new organization of the partner; "scoped" ones are also given to the partner's technician. */
export async function freshOrg(p: PartnerWorld, scope: Scope): Promise<{ id: string; name: string }> {
  const org = (await createOrganization(p.admin.viewer, { name: `Fresh ${n()} ${p.tag}` }))!;
  if (scope === "scoped") {
    await db.insert(membershipOrganizations).values({ membershipId: p.technician.viewer.membershipId, organizationId: org.id });
  }
  return { id: org.id, name: org.name };
}

export async function freshOrgRecipient(p: PartnerWorld, scope: Scope): Promise<{ id: string; organizationId: string }> {
  const org = orgOf(p, scope);
  const r = await addOrganizationRecipient(p.admin.viewer, { organizationId: org.id, email: `r${n()}.${p.tag}@${p.key}.test`, priorities: ["high"] });
  return { id: r.id, organizationId: org.id };
}

export async function freshGlobalRecipient(p: PartnerWorld): Promise<string> {
  return (await addGlobalRecipient(p.admin.viewer, { email: `g${n()}.${p.tag}@${p.key}.test` })).id;
}

/** A customer consent link (Okta, customer authorizes) in a fresh organization of the scope. */
export async function freshConsentLink(p: PartnerWorld, scope: Scope): Promise<{ linkId: string; token: string; connectionId: string; organizationId: string }> {
  const org = await freshOrg(p, scope);
  const created = await createApplication(p.admin.viewer, {
    organizationId: org.id,
    appType: "okta",
    authorizer: "customer",
    credentials: {},
    customerEmail: `c${n()}.${p.tag}@${p.key}.test`,
    acknowledgeDuplicate: true,
  });
  const [link] = await db.select({ id: consentLinks.id }).from(consentLinks).where(eq(consentLinks.connectionId, created.connectionId));
  return { linkId: link.id, token: created.consent!.url.split("/consent/")[1], connectionId: created.connectionId, organizationId: org.id };
}

/** An organization application (SentinelOne, MSP credentials) in a fresh organization of the scope. */
export async function freshApplication(p: PartnerWorld, scope: Scope): Promise<{ connectionId: string; organizationId: string }> {
  const org = await freshOrg(p, scope);
  const created = await createApplication(p.admin.viewer, {
    organizationId: org.id,
    appType: "sentinelone",
    authorizer: "msp",
    credentials: { consoleUrl: `https://f${n()}.sentinelone.net`, apiToken: `s1-fresh-${n()}` },
    acknowledgeDuplicate: true,
  });
  return { connectionId: created.connectionId, organizationId: org.id };
}

/** A Microsoft 365 application the MSP authorizes (OAuth), pending, in a fresh organization of the scope. */
export async function freshOAuthApplication(p: PartnerWorld, scope: Scope): Promise<{ connectionId: string; organizationId: string }> {
  const org = await freshOrg(p, scope);
  const created = await createApplication(p.admin.viewer, {
    organizationId: org.id,
    appType: "microsoft_365",
    authorizer: "msp",
    credentials: {},
    acknowledgeDuplicate: true,
  });
  return { connectionId: created.connectionId, organizationId: org.id };
}

export async function freshApiKey(p: PartnerWorld): Promise<string> {
  return (await createApiKey(p.admin.viewer, { name: `Key ${n()} ${p.tag}` })).id;
}

export async function freshUser(p: PartnerWorld): Promise<string> {
  return (await createUser(p.admin.viewer, { email: `u${n()}.${p.tag}@${p.key}.test`, name: "", password: PASSWORD, role: "support", organizationIds: [] })).userId;
}

/** A dead email delivery of a new alert in the scope's organization. */
export async function freshDeadDelivery(p: PartnerWorld, scope: Scope): Promise<string> {
  const accepted = await acceptAlert({ partnerId: p.partnerId, label: "fresh" }, { organizationId: orgOf(p, scope).id, priority: "critical", title: `Fresh ${p.tag}`, summary: "probe" });
  const [d] = await db.select({ id: deliveries.id }).from(deliveries).where(and(eq(deliveries.alertId, accepted.alertId), eq(deliveries.channel, "email"))).limit(1);
  await db.update(deliveries).set({ status: "dead", lastError: "SMTP 550" }).where(eq(deliveries.id, d.id));
  return d.id;
}

/** A PSA integration set up through the service against the fake Syncro, mapping the scoped organization. */
export async function freshPsaIntegration(p: PartnerWorld, fake: FakeSyncroInfo, opts: { finish?: boolean } = {}): Promise<string> {
  const name = `Syncro ${n()} ${p.tag}`;
  const started = await startPsaIntegration(p.admin.viewer, { vendor: "syncro", name, credentials: fake.credentials });
  if (opts.finish !== false) {
    await savePsaConfiguration(p.admin.viewer, {
      id: started.id,
      name,
      defaults: {},
      priorityMap: {},
      fallback: null,
      mappings: [{ organizationId: p.scopedOrg.id, companyId: fake.customerId, companyName: fake.customerName, contactId: null, siteId: null, overrides: {} }],
    });
  }
  return started.id;
}
