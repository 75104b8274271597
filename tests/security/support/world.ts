/**
 * Two partners with full data, written through lib/ exactly as the console writes it: organizations (one given
 * to the technician, one not), admin / technician / support logins, an API key, global and organization
 * recipients, a PSA integration (tested against a fake PSA when one runs, else stored directly), a platform
 * integration with a source mapping, organization applications (credentials, customer consent link), alerts
 * with deliveries (one dead, so Retry has something to act on), a mailbox message and telemetry.
 *
 * Every name, e-mail address and title of a partner carries its tag ("sbtag-b-xxxxxx"): a response shown to
 * partner A that contains B's tag is a leak, whatever page or payload it came from.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { deliveries, devMailbox, psaIntegrations } from "@/db/schema";
import { createPartnerWithAdmin, createUser } from "@/lib/auth/accounts";
import { createApiKey } from "@/lib/auth/api-keys";
import { getAuth } from "@/lib/auth/auth";
import { loadViewer, type Viewer } from "@/lib/auth/viewer";
import { encryptCredentials } from "@/lib/crypto/secrets";
import { addGlobalRecipient, addOrganizationRecipient } from "@/lib/delivery-settings";
import { acceptAlert } from "@/lib/delivery/intake";
import { createApplication, createIntegration } from "@/lib/integrations/connections";
import { authenticateIngest, storeTelemetry } from "@/lib/integrations/ingest";
import { sendMail } from "@/lib/mail/send";
import { createOrganization } from "@/lib/orgs/organizations";
import { savePsaConfiguration, startPsaIntegration } from "@/lib/psa-integrations";
import { SEED_COMPANIES, startFakePsas, SYNCRO_CUSTOMER_ID_BASE, type FakePsas } from "@/lib/psa/fakes";

export const PASSWORD = "correct horse battery staple";

/** Where the fake Syncro listens, when the caller runs one (tests of PSA actions need a PSA that answers). */
export type FakeSyncroInfo = { credentials: { subdomain: string; apiToken: string }; customerId: string; customerName: string };

export type Login = { userId: string; email: string; password: string; viewer: Viewer };

export type PartnerWorld = {
  key: "a" | "b";
  tag: string;
  partnerId: string;
  partnerName: string;
  admin: Login;
  technician: Login;
  support: Login;
  /** Given to the technician. */
  scopedOrg: { id: string; name: string };
  /** Not given to the technician. */
  otherOrg: { id: string; name: string };
  apiKey: { id: string; key: string };
  globalRecipientId: string;
  scopedRecipientId: string;
  otherRecipientId: string;
  psaIntegrationId: string;
  /** Platform integration (Settings > Integrations), Datto RMM, with one mapped source. */
  settingsConnection: { id: string; ingestToken: string; sourceId: string };
  /** Organization application (SentinelOne, MSP-entered credentials) on the technician's organization. */
  scopedApplication: { id: string; ingestToken: string };
  /** Organization application (SentinelOne) on the other organization. */
  otherApplication: { id: string; ingestToken: string };
  /** Customer-authorized application (Okta) on the technician's organization, with its consent link. */
  consentApplication: { id: string; linkId: string; token: string };
  alerts: { scopedId: string; otherId: string; deadDeliveryId: string; otherDeadDeliveryId: string };
  mailboxMessageId: string;
  /** Secret values this partner's credentials hold (R-SEC-2 canaries). */
  secrets: string[];
};

export type World = { a: PartnerWorld; b: PartnerWorld };

function tagFor(key: "a" | "b"): string {
  return `sbtag-${key}-${randomBytes(4).toString("hex")}`;
}

async function login(email: string, userId: string): Promise<Login> {
  const viewer = await loadViewer(userId, email, email, `seed-${userId}`);
  if (!viewer) throw new Error(`no membership for ${email}`);
  return { userId, email, password: PASSWORD, viewer };
}

async function seedPartner(key: "a" | "b", fake?: FakeSyncroInfo): Promise<PartnerWorld> {
  const tag = tagFor(key);
  const partnerName = `${key === "a" ? "Alpha" : "Bravo"} MSP ${tag}`;
  const adminEmail = `admin.${tag}@${key}.test`;
  const { partnerId, userId } = await createPartnerWithAdmin({ partnerName, email: adminEmail, password: PASSWORD });
  const admin = await login(adminEmail, userId);

  const scoped = (await createOrganization(admin.viewer, { name: `Scoped Org ${tag}`, externalRef: `ref-${tag}-1` }))!;
  const other = (await createOrganization(admin.viewer, { name: `Other Org ${tag}`, externalRef: `ref-${tag}-2` }))!;

  const techEmail = `tech.${tag}@${key}.test`;
  const { userId: techId } = await createUser(admin.viewer, { email: techEmail, name: `Tech ${tag}`, password: PASSWORD, role: "technician", organizationIds: [scoped.id] });
  const supportEmail = `support.${tag}@${key}.test`;
  const { userId: supportId } = await createUser(admin.viewer, { email: supportEmail, name: `Support ${tag}`, password: PASSWORD, role: "support", organizationIds: [] });

  const apiKey = await createApiKey(admin.viewer, { name: `Pipeline ${tag}` });
  const globalRecipient = await addGlobalRecipient(admin.viewer, { email: `soc.${tag}@${key}.test` });
  const scopedRecipient = await addOrganizationRecipient(admin.viewer, { organizationId: scoped.id, email: `ciso.${tag}@${key}.test`, priorities: ["medium", "high", "critical"] });
  const otherRecipient = await addOrganizationRecipient(admin.viewer, { organizationId: other.id, email: `it.${tag}@${key}.test`, priorities: ["critical"] });

  // PSA: through the service (tested against the fake) when a fake runs, else stored the way the service stores it.
  const secrets: string[] = [];
  let psaIntegrationId: string;
  if (fake) {
    const started = await startPsaIntegration(admin.viewer, { vendor: "syncro", name: `Syncro ${tag}`, credentials: fake.credentials });
    await savePsaConfiguration(admin.viewer, {
      id: started.id,
      name: `Syncro ${tag}`,
      defaults: {},
      priorityMap: {},
      fallback: null,
      mappings: [{ organizationId: scoped.id, companyId: fake.customerId, companyName: fake.customerName, contactId: null, siteId: null, overrides: {} }],
    });
    psaIntegrationId = started.id;
    secrets.push(fake.credentials.apiToken);
  } else {
    psaIntegrationId = crypto.randomUUID();
    const apiToken = `T-canary-${tag}-${randomBytes(6).toString("hex")}`;
    await db.insert(psaIntegrations).values({
      id: psaIntegrationId,
      partnerId,
      vendor: "syncro",
      name: `Syncro ${tag}`,
      status: "active",
      credentialsCiphertext: encryptCredentials({ subdomain: `${tag}.example.com`, apiToken }, { partnerId, rowId: psaIntegrationId }),
      defaults: {},
      priorityMap: {},
      connection: { address: `${tag}.example.com` },
    });
    secrets.push(apiToken);
  }

  const dattoSecret = `datto-canary-${tag}-${randomBytes(6).toString("hex")}`;
  const settingsConn = await createIntegration(admin.viewer, {
    organizationId: scoped.id,
    appType: "datto_rmm",
    name: `Datto ${tag}`,
    credentials: { apiUrl: `https://${tag}.centrastage.net`, apiKey: `DATTO-KEY-${tag}`, apiSecretKey: dattoSecret },
    mappings: [{ externalSourceId: `site-${tag}`, externalSourceName: `Site ${tag}`, organizationId: other.id }],
    acknowledgeDuplicate: true,
  });
  const s1Secret = (n: number) => `s1-canary-${tag}-${n}-${randomBytes(6).toString("hex")}`;
  const scopedSecret = s1Secret(1);
  const otherSecret = s1Secret(2);
  const scopedApp = await createApplication(admin.viewer, {
    organizationId: scoped.id,
    appType: "sentinelone",
    authorizer: "msp",
    name: `S1 ${tag}`,
    credentials: { consoleUrl: `https://${tag}-1.sentinelone.net`, apiToken: scopedSecret },
    acknowledgeDuplicate: true,
  });
  const otherApp = await createApplication(admin.viewer, {
    organizationId: other.id,
    appType: "sentinelone",
    authorizer: "msp",
    name: `S1 other ${tag}`,
    credentials: { consoleUrl: `https://${tag}-2.sentinelone.net`, apiToken: otherSecret },
    acknowledgeDuplicate: true,
  });
  const consentApp = await createApplication(admin.viewer, {
    organizationId: scoped.id,
    appType: "okta",
    authorizer: "customer",
    name: `Okta ${tag}`,
    credentials: {},
    customerEmail: `customer.${tag}@${key}.test`,
    acknowledgeDuplicate: true,
  });
  const token = consentApp.consent!.url.split("/consent/")[1];
  const { consentLinks } = await import("@/db/schema");
  const [link] = await db.select({ id: consentLinks.id }).from(consentLinks).where(eq(consentLinks.connectionId, consentApp.connectionId));
  secrets.push(dattoSecret, scopedSecret, otherSecret, apiKey.key, settingsConn.ingestToken, scopedApp.ingestToken, otherApp.ingestToken, token);

  // Telemetry through the ingest path (mapped source → the other organization).
  const conn = await authenticateIngest(settingsConn.connectionId, `Bearer ${settingsConn.ingestToken}`);
  await storeTelemetry(conn, [{ sourceId: `site-${tag}`, sourceName: `Site ${tag}`, payload: { host: `host-${tag}` } }]);

  // Alerts with deliveries; one delivery per alert made dead so Retry has a target.
  const principal = { partnerId, label: `API key Pipeline ${tag}` };
  const scopedAlert = await acceptAlert(principal, { organizationId: scoped.id, priority: "critical", title: `Ransomware on ${tag}`, summary: `Encrypted files on host-${tag}` });
  const otherAlert = await acceptAlert(principal, { organizationId: other.id, priority: "critical", title: `Phishing at ${tag}`, summary: `Credential phish ${tag}` });
  const killOne = async (alertId: string) => {
    const [d] = await db.select({ id: deliveries.id }).from(deliveries).where(and(eq(deliveries.alertId, alertId), eq(deliveries.channel, "email"))).limit(1);
    await db.update(deliveries).set({ status: "dead", lastError: `SMTP 550 mailbox unavailable (${tag})`, attempts: 8 }).where(eq(deliveries.id, d.id));
    return d.id;
  };
  const deadDeliveryId = await killOne(scopedAlert.alertId);
  const otherDeadDeliveryId = await killOne(otherAlert.alertId);

  const mail = await sendMail({ partnerId, to: `soc.${tag}@${key}.test`, subject: `Mailbox ${tag}`, html: `<p>Body ${tag}</p>`, text: `Body ${tag}` });
  const [message] = await db.select({ id: devMailbox.id }).from(devMailbox).where(and(eq(devMailbox.partnerId, partnerId), eq(devMailbox.messageId, mail.messageId)));

  return {
    key,
    tag,
    partnerId,
    partnerName,
    admin,
    technician: await login(techEmail, techId),
    support: await login(supportEmail, supportId),
    scopedOrg: { id: scoped.id, name: scoped.name },
    otherOrg: { id: other.id, name: other.name },
    apiKey: { id: apiKey.id, key: apiKey.key },
    globalRecipientId: globalRecipient.id,
    scopedRecipientId: scopedRecipient.id,
    otherRecipientId: otherRecipient.id,
    psaIntegrationId,
    settingsConnection: { id: settingsConn.connectionId, ingestToken: settingsConn.ingestToken, sourceId: `site-${tag}` },
    scopedApplication: { id: scopedApp.connectionId, ingestToken: scopedApp.ingestToken },
    otherApplication: { id: otherApp.connectionId, ingestToken: otherApp.ingestToken },
    consentApplication: { id: consentApp.connectionId, linkId: link.id, token },
    alerts: { scopedId: scopedAlert.alertId, otherId: otherAlert.alertId, deadDeliveryId, otherDeadDeliveryId },
    mailboxMessageId: message.id,
    secrets,
  };
}

export async function seedWorld(opts: { fake?: FakeSyncroInfo } = {}): Promise<World> {
  const a = await seedPartner("a", opts.fake);
  const b = await seedPartner("b", opts.fake);
  return { a, b };
}

/** A real better-auth session for a login: the Cookie header value a browser would send. */
export async function sessionCookie(email: string, password = PASSWORD): Promise<string> {
  const res = (await getAuth().api.signInEmail({ body: { email, password }, asResponse: true })) as Response;
  const cookies = res.headers.getSetCookie?.() ?? [res.headers.get("set-cookie") ?? ""];
  const pairs = cookies.map((c) => c.split(";")[0]).filter((c) => c.includes("session_token="));
  if (!pairs.length) throw new Error(`sign-in of ${email} returned no session cookie (status ${res.status})`);
  return pairs.join("; ");
}

export type Who = "adminA" | "technicianA" | "supportA" | "adminB" | "technicianB" | "supportB";

export function loginOf(world: World, who: Who): Login {
  const p = who.endsWith("A") ? world.a : world.b;
  const role = who.slice(0, -1) as "admin" | "technician" | "support";
  return p[role];
}

/** The fake PSAs on loopback and the two partners' world, with partner A's Syncro pointed at the fake. */
export async function seedWorldWithFakes(): Promise<{ fakes: FakePsas; fake: FakeSyncroInfo; world: World }> {
  const fakes = await startFakePsas();
  const fake: FakeSyncroInfo = {
    credentials: fakes.syncro.credentials as FakeSyncroInfo["credentials"],
    customerId: String(SYNCRO_CUSTOMER_ID_BASE + SEED_COMPANIES[0].index),
    customerName: SEED_COMPANIES[0].name,
  };
  return { fakes, fake, world: await seedWorld({ fake }) };
}
