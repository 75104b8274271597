import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { auditLog, emailSettings, organizations, psaIntegrations, recipients } from "@/db/schema";
import { createPartnerWithAdmin, createUser } from "@/lib/auth/accounts";
import { loadViewer, type Viewer } from "@/lib/auth/viewer";
import { DEFAULT_GLOBAL_SUBJECT_FORMAT, DEFAULT_ORGANIZATION_SUBJECT_FORMAT } from "@/lib/delivery/render/subject";
import { createOrganization } from "@/lib/orgs/organizations";
import {
  EMAIL_SETTINGS_DEFAULTS,
  addGlobalRecipient,
  addOrganizationRecipient,
  getDeliveryConfigurationStatus,
  getEmailSettings,
  getOrganizationAudience,
  listGlobalRecipients,
  listOrganizationRecipients,
  previewAlertEmails,
  removeGlobalRecipient,
  removeOrganizationRecipient,
  setOrganizationDelivery,
  updateEmailSettings,
  updateOrganizationRecipient,
} from "./index";

const PASSWORD = "correct horse battery";
let seq = 0;

async function viewerFor(userId: string, email: string): Promise<Viewer> {
  const v = await loadViewer(userId, email, email, "s");
  if (!v) throw new Error("no viewer");
  return v;
}

/** A fresh partner with its admin, one organization, and helpers to add staff. */
async function partner(name = `MSP ${++seq}`) {
  const email = `admin${++seq}@msp.test`;
  const { userId, partnerId } = await createPartnerWithAdmin({ partnerName: name, email, password: PASSWORD });
  const admin = await viewerFor(userId, email);
  const org = (await createOrganization(admin, { name: `Org ${++seq}` }))!;
  const staff = async (role: "technician" | "support", organizationIds: string[] = []) => {
    const e = `${role}${++seq}@msp.test`;
    const u = await createUser(admin, { email: e, name: "", password: PASSWORD, role, organizationIds });
    return viewerFor(u.userId, e);
  };
  return { partnerId, admin, org, staff };
}

async function auditRows(partnerId: string) {
  return db.select().from(auditLog).where(eq(auditLog.partnerId, partnerId)).orderBy(auditLog.id);
}

const validSettings = {
  globalSubjectFormat: "ALERT {{ alert.priority | upcase }}: {{ alert.title }}",
  organizationSubjectFormat: "{{ organization.name }} / {{ alert.title }}",
  respondEventDetail: false,
  iocEventDetail: true,
};

describe("email settings", () => {
  it("R-DEL-6: defaults exist before any save, and the two subject formats save independently", async () => {
    const { admin, partnerId } = await partner();
    const initial = await getEmailSettings(admin);
    expect(initial).toMatchObject({ ...EMAIL_SETTINGS_DEFAULTS, isDefault: true });
    expect(initial.globalSubjectFormat).toBe(DEFAULT_GLOBAL_SUBJECT_FORMAT);
    expect(initial.organizationSubjectFormat).toBe(DEFAULT_ORGANIZATION_SUBJECT_FORMAT);

    await updateEmailSettings(admin, { ...EMAIL_SETTINGS_DEFAULTS, globalSubjectFormat: "G {{ alert.title }}" });
    let saved = await getEmailSettings(admin);
    expect(saved.globalSubjectFormat).toBe("G {{ alert.title }}");
    expect(saved.organizationSubjectFormat).toBe(DEFAULT_ORGANIZATION_SUBJECT_FORMAT);
    expect(saved.isDefault).toBe(false);

    await updateEmailSettings(admin, { ...saved, organizationSubjectFormat: "O {{ organization.name }}" });
    saved = await getEmailSettings(admin);
    expect(saved.globalSubjectFormat).toBe("G {{ alert.title }}");
    expect(saved.organizationSubjectFormat).toBe("O {{ organization.name }}");
    const rows = await db.select().from(emailSettings).where(eq(emailSettings.partnerId, partnerId));
    expect(rows).toHaveLength(1);
  });

  it("R-DEL-7: the Respond and IOC Event Detail toggles save independently of each other", async () => {
    const { admin } = await partner();
    await updateEmailSettings(admin, { ...EMAIL_SETTINGS_DEFAULTS, respondEventDetail: false });
    expect(await getEmailSettings(admin)).toMatchObject({ respondEventDetail: false, iocEventDetail: true });
    await updateEmailSettings(admin, { ...EMAIL_SETTINGS_DEFAULTS, respondEventDetail: true, iocEventDetail: false });
    expect(await getEmailSettings(admin)).toMatchObject({ respondEventDetail: true, iocEventDetail: false });
  });

  it("R-SEC-5: an unknown token or bad syntax is refused with a message naming it, and nothing is saved", async () => {
    const { admin, partnerId } = await partner();
    await expect(
      updateEmailSettings(admin, { ...validSettings, globalSubjectFormat: "[{{ alert.severity }}] {{ alert.title }}" }),
    ).rejects.toThrow(/Unknown token \{\{ alert\.severity \}\}/);
    await expect(updateEmailSettings(admin, { ...validSettings, organizationSubjectFormat: "{{ alert.title" })).rejects.toThrow(
      /Invalid subject format/,
    );
    expect(await db.select().from(emailSettings).where(eq(emailSettings.partnerId, partnerId))).toHaveLength(0);
    expect((await auditRows(partnerId)).filter((r) => r.entityType === "email_settings")).toHaveLength(0);
  });

  it("R-SEC-4: a settings change is audited field by field with the why note; an unchanged save logs nothing", async () => {
    const { admin, partnerId } = await partner();
    await updateEmailSettings(admin, { ...validSettings, note: "customer asked for shorter subjects" });
    await updateEmailSettings(admin, { ...validSettings, note: "no-op" });
    const rows = (await auditRows(partnerId)).filter((r) => r.entityType === "email_settings");
    expect(rows).toHaveLength(1);
    expect(rows[0].action).toBe("email_settings.updated");
    expect(rows[0].note).toBe("customer asked for shorter subjects");
    expect(rows[0].changes).toEqual({
      globalSubjectFormat: { from: DEFAULT_GLOBAL_SUBJECT_FORMAT, to: validSettings.globalSubjectFormat },
      organizationSubjectFormat: { from: DEFAULT_ORGANIZATION_SUBJECT_FORMAT, to: validSettings.organizationSubjectFormat },
      respondEventDetail: { from: true, to: false },
    });
  });

  it("R-DEL-7: the preview is the real email: detail sections follow the toggles, subjects follow each format", async () => {
    const { admin } = await partner("Preview MSP");
    const on = await previewAlertEmails(admin, { ...validSettings, respondEventDetail: true, iocEventDetail: true });
    expect(on.global.subject).toBe("ALERT HIGH: Suspicious PowerShell download cradle on FIN-WS-014");
    expect(on.organization.subject).toBe("Acme Dental / Suspicious PowerShell download cradle on FIN-WS-014");
    expect(on.global.html).toContain("Respond events (3)");
    expect(on.global.html).toContain("IOC matches (3)");
    expect(on.global.text).toContain("Preview MSP");
    const off = await previewAlertEmails(admin, { ...validSettings, respondEventDetail: false, iocEventDetail: true });
    expect(off.organization.html).not.toContain("Respond events (3)");
    expect(off.organization.html).toContain("IOC matches (3)");
    expect(off.organization.text).not.toContain("Process terminated");
    await expect(previewAlertEmails(admin, { ...validSettings, globalSubjectFormat: "{{ nope }}" })).rejects.toThrow(/Unknown token/);
  });
});

describe("global recipients", () => {
  it("R-DEL-8: adding saves the address (lower-cased) with its why-note; many addresses are allowed", async () => {
    const { admin } = await partner();
    const a = await addGlobalRecipient(admin, { email: "  SOC@Northwind.test ", note: "SOC shared inbox" });
    await addGlobalRecipient(admin, { email: "oncall@northwind.test" });
    expect(a.email).toBe("soc@northwind.test");
    const list = await listGlobalRecipients(admin);
    expect(list.map((r) => [r.email, r.note])).toEqual([
      ["soc@northwind.test", "SOC shared inbox"],
      ["oncall@northwind.test", null],
    ]);
  });

  it("R-SEC-5: invalid addresses and duplicates (any case) are refused with a clear message and save nothing", async () => {
    const { admin, partnerId } = await partner();
    await addGlobalRecipient(admin, { email: "soc@northwind.test" });
    await expect(addGlobalRecipient(admin, { email: "SOC@northwind.TEST" })).rejects.toThrow(
      "soc@northwind.test is already a global recipient.",
    );
    await expect(addGlobalRecipient(admin, { email: "not-an-address" })).rejects.toThrow(/valid email address/);
    await expect(addGlobalRecipient(admin, { email: "a@b.test\r\nBcc: x@evil.test" })).rejects.toThrow();
    const rows = await db.select().from(recipients).where(eq(recipients.partnerId, partnerId));
    expect(rows).toHaveLength(1);
    expect((await auditRows(partnerId)).filter((r) => r.entityType === "recipient")).toHaveLength(1);
  });

  it("R-SEC-4: adding and removing are audited with the why note", async () => {
    const { admin, partnerId } = await partner();
    const r = await addGlobalRecipient(admin, { email: "soc@northwind.test", note: "24x7 SOC mailbox" });
    await removeGlobalRecipient(admin, { id: r.id, note: "mailbox retired" });
    expect(await listGlobalRecipients(admin)).toEqual([]);
    const rows = (await auditRows(partnerId)).filter((x) => x.entityType === "recipient");
    expect(rows.map((x) => [x.action, x.entityLabel, x.note])).toEqual([
      ["recipient.added", "soc@northwind.test (global)", "24x7 SOC mailbox"],
      ["recipient.removed", "soc@northwind.test (global)", "mailbox retired"],
    ]);
  });

  it("R-SEC-1: technicians may not change global email settings; support reads but does not change", async () => {
    const { admin, org, staff } = await partner();
    const tech = await staff("technician", [org.id]);
    const support = await staff("support");
    const r = await addGlobalRecipient(admin, { email: "soc@northwind.test" });
    await expect(addGlobalRecipient(tech, { email: "x@northwind.test" })).rejects.toThrow(/Only admins/);
    await expect(removeGlobalRecipient(tech, { id: r.id })).rejects.toThrow(/Only admins/);
    await expect(updateEmailSettings(tech, validSettings)).rejects.toThrow(/Only admins/);
    await expect(getEmailSettings(tech)).rejects.toThrow(/admins and support/);
    await expect(listGlobalRecipients(tech)).rejects.toThrow(/admins and support/);
    await expect(addGlobalRecipient(support, { email: "x@northwind.test" })).rejects.toThrow(/Only admins/);
    await expect(updateEmailSettings(support, validSettings)).rejects.toThrow(/Only admins/);
    expect((await listGlobalRecipients(support)).map((x) => x.email)).toEqual(["soc@northwind.test"]);
    expect((await getEmailSettings(support)).isDefault).toBe(true);
  });
});

describe("organization delivery settings", () => {
  it("R-DEL-5: organization recipients carry a priority scope and never touch the global list", async () => {
    const { admin, org } = await partner();
    await addGlobalRecipient(admin, { email: "soc@northwind.test" });
    const critical = await addOrganizationRecipient(admin, {
      organizationId: org.id,
      email: "CISO@customer.test",
      priorities: ["critical"],
      note: "customer CISO wants criticals only",
    });
    const byDefault = await addOrganizationRecipient(admin, {
      organizationId: org.id,
      email: "it@customer.test",
      priorities: ["critical", "high", "medium", "high"],
    });
    expect(critical.priorities).toEqual(["critical"]);
    expect(byDefault.priorities).toEqual(["medium", "high", "critical"]);
    expect((await listGlobalRecipients(admin)).map((r) => r.email)).toEqual(["soc@northwind.test"]);
    // The same address may be a global recipient too; it is flagged, and receives one email (R-DEL-5).
    await addOrganizationRecipient(admin, { organizationId: org.id, email: "soc@northwind.test", priorities: ["low"] });
    const list = await listOrganizationRecipients(admin, org.id);
    expect(list.map((r) => [r.email, r.priorities, r.alsoGlobal])).toEqual([
      ["ciso@customer.test", ["critical"], false],
      ["it@customer.test", ["medium", "high", "critical"], false],
      ["soc@northwind.test", ["low"], true],
    ]);
    await removeOrganizationRecipient(admin, { organizationId: org.id, id: critical.id, note: "left the company" });
    expect((await listGlobalRecipients(admin)).map((r) => r.email)).toEqual(["soc@northwind.test"]);
    expect((await listOrganizationRecipients(admin, org.id)).map((r) => r.email)).toEqual([
      "it@customer.test",
      "soc@northwind.test",
    ]);
  });

  it("R-DEL-5: an empty scope and a duplicate address in the same organization are refused; other organizations may reuse it", async () => {
    const { admin, org, partnerId } = await partner();
    const other = (await createOrganization(admin, { name: "Other org" }))!;
    await addOrganizationRecipient(admin, { organizationId: org.id, email: "it@customer.test", priorities: ["high"] });
    await expect(
      addOrganizationRecipient(admin, { organizationId: org.id, email: "IT@customer.test", priorities: ["low"] }),
    ).rejects.toThrow("it@customer.test is already a recipient for this organization.");
    await expect(
      addOrganizationRecipient(admin, { organizationId: org.id, email: "new@customer.test", priorities: [] }),
    ).rejects.toThrow("Choose at least one priority.");
    await addOrganizationRecipient(admin, { organizationId: other.id, email: "it@customer.test", priorities: ["low"] });
    const rows = await db.select().from(recipients).where(eq(recipients.partnerId, partnerId));
    expect(rows).toHaveLength(2);
  });

  it("R-DEL-5: the audience on the Settings tab is resolveRecipients over both lists, per priority", async () => {
    const { admin, org } = await partner();
    await addGlobalRecipient(admin, { email: "soc@northwind.test" });
    await addOrganizationRecipient(admin, { organizationId: org.id, email: "ciso@customer.test", priorities: ["critical"] });
    const audience = await getOrganizationAudience(admin, org.id);
    expect(audience.deliveryEnabled).toBe(true);
    expect(audience.byPriority.critical.recipients.map((r) => [r.address, r.subjectFormat])).toEqual([
      ["soc@northwind.test", "global"],
      ["ciso@customer.test", "organization"],
    ]);
    expect(audience.byPriority.high.recipients.map((r) => r.address)).toEqual(["soc@northwind.test"]);
    expect(audience.byPriority.high.excluded.map((r) => [r.address, r.reason])).toEqual([
      ["ciso@customer.test", "Recipient scope Critical does not include High"],
    ]);
  });

  it("R-DEL-5: editing a recipient's scope changes only that recipient, and is audited", async () => {
    const { admin, org, partnerId } = await partner();
    const r = await addOrganizationRecipient(admin, { organizationId: org.id, email: "it@customer.test", priorities: ["high"] });
    await updateOrganizationRecipient(admin, { organizationId: org.id, id: r.id, priorities: ["high", "critical"], note: "after-hours contact" });
    const [row] = await listOrganizationRecipients(admin, org.id);
    expect(row.priorities).toEqual(["high", "critical"]);
    expect(row.note).toBe("after-hours contact");
    const audit = (await auditRows(partnerId)).filter((x) => x.action === "recipient.updated");
    expect(audit).toHaveLength(1);
    expect(audit[0].changes).toMatchObject({ priorities: { from: "High", to: "High and Critical" } });
  });

  it("R-DEL-2: the PSA & email toggle turns off and on, is audited with the why note, and a repeat is a no-op", async () => {
    const { admin, org, partnerId } = await partner();
    expect(org.deliveryEnabled).toBe(true);
    expect(await setOrganizationDelivery(admin, { organizationId: org.id, enabled: false, note: "customer offboarding" })).toMatchObject({
      changed: true,
      deliveryEnabled: false,
    });
    expect((await setOrganizationDelivery(admin, { organizationId: org.id, enabled: false })).changed).toBe(false);
    const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
    expect(row.deliveryEnabled).toBe(false);
    expect((await getOrganizationAudience(admin, org.id)).deliveryEnabled).toBe(false);
    await setOrganizationDelivery(admin, { organizationId: org.id, enabled: true });
    const audit = (await auditRows(partnerId)).filter((x) => x.action.startsWith("organization.delivery"));
    expect(audit.map((x) => [x.action, x.note, x.changes])).toEqual([
      ["organization.delivery_disabled", "customer offboarding", { deliveryEnabled: { from: true, to: false } }],
      ["organization.delivery_enabled", null, { deliveryEnabled: { from: false, to: true } }],
    ]);
  });

  it("R-DEL-9: delivery counts as configured once a PSA integration or a global recipient exists", async () => {
    const { admin, org, partnerId } = await partner();
    expect(await getDeliveryConfigurationStatus(admin)).toEqual({ psaIntegrations: 0, globalRecipients: 0, configured: false });
    // Organization-level recipients are not global configuration.
    await addOrganizationRecipient(admin, { organizationId: org.id, email: "it@customer.test", priorities: ["high"] });
    expect((await getDeliveryConfigurationStatus(admin)).configured).toBe(false);
    const g = await addGlobalRecipient(admin, { email: "soc@northwind.test" });
    expect(await getDeliveryConfigurationStatus(admin)).toEqual({ psaIntegrations: 0, globalRecipients: 1, configured: true });
    await removeGlobalRecipient(admin, { id: g.id });
    await db.insert(psaIntegrations).values({ partnerId, vendor: "connectwise", name: "CW", credentialsCiphertext: "v1:test:x", status: "paused" });
    expect(await getDeliveryConfigurationStatus(admin)).toEqual({ psaIntegrations: 1, globalRecipients: 0, configured: true });
  });

  it("R-SEC-1: a technician changes only organizations given to them; support changes nothing", async () => {
    const { admin, org, staff } = await partner();
    const otherOrg = (await createOrganization(admin, { name: "Not theirs" }))!;
    const tech = await staff("technician", [org.id]);
    const support = await staff("support");

    const mine = await addOrganizationRecipient(tech, { organizationId: org.id, email: "it@customer.test", priorities: ["critical"] });
    await setOrganizationDelivery(tech, { organizationId: org.id, enabled: false });
    await updateOrganizationRecipient(tech, { organizationId: org.id, id: mine.id, priorities: ["high"] });
    expect((await listOrganizationRecipients(tech, org.id)).map((r) => r.priorities)).toEqual([["high"]]);

    const theirs = await addOrganizationRecipient(admin, { organizationId: otherOrg.id, email: "x@other.test", priorities: ["low"] });
    await expect(
      addOrganizationRecipient(tech, { organizationId: otherOrg.id, email: "it@customer.test", priorities: ["critical"] }),
    ).rejects.toThrow(/do not have access/);
    await expect(setOrganizationDelivery(tech, { organizationId: otherOrg.id, enabled: false })).rejects.toThrow(/do not have access/);
    await expect(listOrganizationRecipients(tech, otherOrg.id)).rejects.toThrow(/do not have access/);
    await expect(getOrganizationAudience(tech, otherOrg.id)).rejects.toThrow(/do not have access/);
    await expect(removeOrganizationRecipient(tech, { organizationId: otherOrg.id, id: theirs.id })).rejects.toThrow(/do not have access/);
    // Naming their own organization with another organization's recipient id finds nothing.
    await expect(removeOrganizationRecipient(tech, { organizationId: org.id, id: theirs.id })).rejects.toThrow(/not found/);

    await expect(setOrganizationDelivery(support, { organizationId: org.id, enabled: true })).rejects.toThrow(/Support staff/);
    await expect(
      addOrganizationRecipient(support, { organizationId: org.id, email: "s@customer.test", priorities: ["low"] }),
    ).rejects.toThrow(/Support staff/);
    expect((await listOrganizationRecipients(support, org.id)).map((r) => r.email)).toEqual(["it@customer.test"]);

    const [stillOther] = await db.select().from(organizations).where(eq(organizations.id, otherOrg.id));
    expect(stillOther.deliveryEnabled).toBe(true);
    expect(await db.select().from(recipients).where(eq(recipients.organizationId, otherOrg.id))).toHaveLength(1);
  });

  it("R-SEC-1: another partner can neither see nor change this partner's recipients, organizations or settings", async () => {
    const a = await partner("Alpha MSP");
    const b = await partner("Beta MSP");
    const g = await addGlobalRecipient(a.admin, { email: "soc@alpha.test" });
    const o = await addOrganizationRecipient(a.admin, { organizationId: a.org.id, email: "it@alpha-customer.test", priorities: ["high"] });
    await updateEmailSettings(a.admin, validSettings);

    expect(await listGlobalRecipients(b.admin)).toEqual([]);
    expect((await getEmailSettings(b.admin)).isDefault).toBe(true);
    expect(await getDeliveryConfigurationStatus(b.admin)).toMatchObject({ globalRecipients: 0, configured: false });
    await expect(removeGlobalRecipient(b.admin, { id: g.id })).rejects.toThrow(/not found/);
    await expect(listOrganizationRecipients(b.admin, a.org.id)).rejects.toThrow(/not found/);
    await expect(getOrganizationAudience(b.admin, a.org.id)).rejects.toThrow(/not found/);
    await expect(setOrganizationDelivery(b.admin, { organizationId: a.org.id, enabled: false })).rejects.toThrow(/not found/);
    await expect(
      addOrganizationRecipient(b.admin, { organizationId: a.org.id, email: "x@beta.test", priorities: ["low"] }),
    ).rejects.toThrow(/not found/);
    await expect(updateOrganizationRecipient(b.admin, { organizationId: a.org.id, id: o.id, priorities: ["low"] })).rejects.toThrow(
      /not found/,
    );
    await expect(removeOrganizationRecipient(b.admin, { organizationId: b.org.id, id: o.id })).rejects.toThrow(/not found/);
    // The same address is independent per partner.
    await addGlobalRecipient(b.admin, { email: "soc@alpha.test" });

    expect(await db.select().from(recipients).where(and(eq(recipients.partnerId, a.partnerId)))).toHaveLength(2);
    const [orgA] = await db.select().from(organizations).where(eq(organizations.id, a.org.id));
    expect(orgA.deliveryEnabled).toBe(true);
    expect((await getEmailSettings(a.admin)).globalSubjectFormat).toBe(validSettings.globalSubjectFormat);
    expect((await auditRows(b.partnerId)).some((r) => r.entityId === a.org.id || r.entityId === g.id)).toBe(false);
  });
});
