import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { auditLog, connections, organizationApplications } from "@/db/schema";
import {
  checkNewConnection,
  createApplication,
  createIntegration,
  deleteConnection,
  getConnectionDetail,
  listOrganizationApplications,
  listSettingsIntegrations,
  setConnectionEnabled,
  updateConnection,
} from "@/lib/integrations/connections";
import { listConnectionSources, setSourceMapping } from "@/lib/integrations/mappings";
import { decryptCredentials } from "@/lib/crypto/secrets";
import { DATTO_CREDENTIALS, organization, partnerWithAdmin, SENTINELONE_CREDENTIALS, userWithRole } from "./integrations-fixtures";

describe("connections (seed 002)", () => {
  it("R-INT-2: the database refuses a second connection of the same application type for one organization", async () => {
    const { admin, partnerId } = await partnerWithAdmin("Unique MSP");
    const orgId = await organization(admin, "Acme");
    const first = await createApplication(admin, {
      organizationId: orgId,
      appType: "sentinelone",
      authorizer: "msp",
      credentials: SENTINELONE_CREDENTIALS,
      acknowledgeDuplicate: false,
    });
    // Straight at the table, bypassing every check in lib/: the UNIQUE (organization_id, app_type) holds.
    const [other] = await db
      .insert(connections)
      .values({ partnerId, appType: "sentinelone", entryPoint: "organization", organizationId: orgId, name: "x", authMode: "credentials" })
      .returning();
    await expect(
      db.insert(organizationApplications).values({ partnerId, organizationId: orgId, appType: "sentinelone", connectionId: other.id }),
    ).rejects.toMatchObject({ cause: { constraint_name: "organization_applications_org_app_uq" } });
    expect(first.status).toBe("connected");
  });

  it("R-INT-2: adding the same application again says a connection already exists, with a link, and changes nothing", async () => {
    const { admin } = await partnerWithAdmin("Again MSP");
    const orgId = await organization(admin, "Acme");
    const first = await createApplication(admin, { organizationId: orgId, appType: "sentinelone", authorizer: "msp", credentials: SENTINELONE_CREDENTIALS, acknowledgeDuplicate: false });
    const check = await checkNewConnection(admin, { organizationId: orgId, appType: "sentinelone", entryPoint: "organization" });
    expect(check.existing).toMatchObject({ connectionId: first.connectionId, href: `/organizations/${orgId}/applications/${first.connectionId}` });
    await expect(
      createApplication(admin, {
        organizationId: orgId,
        appType: "sentinelone",
        authorizer: "msp",
        credentials: { consoleUrl: "https://other.sentinelone.net", apiToken: "t2" },
        acknowledgeDuplicate: true,
      }),
    ).rejects.toThrow(/A connection already exists for this application/);
    // The same holds from Settings > Integrations: the organization already has a SentinelOne.
    await expect(
      createIntegration(admin, {
        organizationId: orgId,
        appType: "sentinelone",
        credentials: { consoleUrl: "https://third.sentinelone.net", apiToken: "t3" },
        mappings: [],
        acknowledgeDuplicate: true,
      }),
    ).rejects.toThrow(/A connection already exists for this application/);
    const rows = await db.select().from(connections).where(eq(connections.organizationId, orgId));
    expect(rows).toHaveLength(1);
  });

  it("R-INT-3 / R-INT-4: a second instance of the same tool is its own connection; the same instance warns about duplicate events", async () => {
    const { admin } = await partnerWithAdmin("Dup MSP");
    const acme = await organization(admin, "Acme");
    const globex = await organization(admin, "Globex");
    await createIntegration(admin, { organizationId: acme, appType: "datto_rmm", credentials: DATTO_CREDENTIALS, mappings: [], acknowledgeDuplicate: false });

    // A separate RMM environment (different API URL + key): no warning, separate connection for Globex.
    const other = { apiUrl: "https://merlot-api.centrastage.net", apiKey: "DATTO-KEY-2", apiSecretKey: "s2" };
    expect((await checkNewConnection(admin, { organizationId: globex, appType: "datto_rmm", credentials: other, entryPoint: "settings" })).duplicates).toEqual([]);

    // The same instance (URL spelled differently, same key id) → warned, naming where it is connected.
    const same = { ...DATTO_CREDENTIALS, apiUrl: "HTTPS://Pinotage-API.centrastage.net/", apiSecretKey: "rotated" };
    const check = await checkNewConnection(admin, { organizationId: globex, appType: "datto_rmm", credentials: same, entryPoint: "settings" });
    expect(check.duplicates.map((d) => d.organizationName)).toEqual(["Acme"]);
    await expect(
      createIntegration(admin, { organizationId: globex, appType: "datto_rmm", credentials: same, mappings: [], acknowledgeDuplicate: false }),
    ).rejects.toThrow(/may result in duplicate events or alerts/);
    expect(await db.select().from(connections).where(eq(connections.organizationId, globex))).toHaveLength(0);
    // The admin may continue anyway; the audit records that they did.
    const created = await createIntegration(admin, { organizationId: globex, appType: "datto_rmm", credentials: same, mappings: [], acknowledgeDuplicate: true, note: "customer split" });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.entityId, created.connectionId));
    expect(audit.changes).toMatchObject({ duplicateInstanceAcknowledged: { to: true } });
    expect(audit.note).toBe("customer split");
  });

  it("R-INT-1: Settings integrations are listed at platform level; organization applications only under their organization", async () => {
    const { admin } = await partnerWithAdmin("Scope MSP");
    const acme = await organization(admin, "Acme");
    const globex = await organization(admin, "Globex");
    const initech = await organization(admin, "Initech");
    const integ = await createIntegration(admin, {
      organizationId: acme,
      appType: "datto_rmm",
      credentials: DATTO_CREDENTIALS,
      mappings: [{ externalSourceId: "site-globex", externalSourceName: "Globex HQ", organizationId: globex }],
      acknowledgeDuplicate: false,
    });
    const app = await createApplication(admin, { organizationId: initech, appType: "sentinelone", authorizer: "msp", credentials: SENTINELONE_CREDENTIALS, acknowledgeDuplicate: false });

    const platform = await listSettingsIntegrations(admin);
    expect(platform.rows.map((r) => [r.appName, r.organizationName, r.mappedSources])).toEqual([["Datto RMM", "Acme", 1]]);
    expect(platform.rows[0].href).toBe(`/settings/integrations/${integ.connectionId}`);

    // The integration is an application of the organization it routes to and of the one its site is mapped to.
    const acmeApps = await listOrganizationApplications(admin, acme);
    expect(acmeApps.map((r) => [r.appName, r.entryPoint, r.isSelectedOrganization])).toEqual([["Datto RMM", "settings", true]]);
    const globexApps = await listOrganizationApplications(admin, globex);
    expect(globexApps.map((r) => [r.appName, r.entryPoint, r.isSelectedOrganization, r.routesToOrganizationName])).toEqual([["Datto RMM", "settings", false, "Acme"]]);
    const initechApps = await listOrganizationApplications(admin, initech);
    expect(initechApps.map((r) => [r.appName, r.entryPoint, r.href])).toEqual([["SentinelOne", "organization", `/organizations/${initech}/applications/${app.connectionId}`]]);
  });

  it("R-INT-2: mapping a site to an organization that already has that application type is refused", async () => {
    const { admin } = await partnerWithAdmin("Map MSP");
    const acme = await organization(admin, "Acme");
    const globex = await organization(admin, "Globex");
    await createApplication(admin, { organizationId: globex, appType: "datto_rmm", authorizer: "msp", credentials: { ...DATTO_CREDENTIALS, apiKey: "OTHER" }, acknowledgeDuplicate: false });
    const integ = await createIntegration(admin, { organizationId: acme, appType: "datto_rmm", credentials: DATTO_CREDENTIALS, mappings: [], acknowledgeDuplicate: false });
    await expect(
      setSourceMapping(admin, { connectionId: integ.connectionId, externalSourceId: "site-9", organizationId: globex }),
    ).rejects.toThrow(/Globex already has a Datto RMM connection/);
    expect((await listConnectionSources(admin, integ.connectionId)).rows).toEqual([]);
  });

  it("R-SEC-2: credentials are encrypted at rest, bound to their row, and never returned", async () => {
    const { admin, partnerId } = await partnerWithAdmin("Secret MSP");
    const acme = await organization(admin, "Acme");
    const created = await createIntegration(admin, { organizationId: acme, appType: "datto_rmm", credentials: DATTO_CREDENTIALS, mappings: [], acknowledgeDuplicate: false });
    const [row] = await db.select().from(connections).where(eq(connections.id, created.connectionId));
    expect(row.credentialsCiphertext).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(DATTO_CREDENTIALS.apiSecretKey);
    expect(JSON.stringify(row)).not.toContain(DATTO_CREDENTIALS.apiKey);
    expect(row.settings).toEqual({ apiUrl: DATTO_CREDENTIALS.apiUrl });
    expect(decryptCredentials(row.credentialsCiphertext!, { partnerId, rowId: row.id })).toEqual({ apiKey: DATTO_CREDENTIALS.apiKey, apiSecretKey: DATTO_CREDENTIALS.apiSecretKey });
    const detail = await getConnectionDetail(admin, created.connectionId);
    expect(JSON.stringify(detail)).not.toContain(DATTO_CREDENTIALS.apiSecretKey);
    expect(detail.fields.find((f) => f.key === "apiSecretKey")).toMatchObject({ secret: true, value: null });
    const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, created.connectionId));
    expect(JSON.stringify(audit)).not.toContain(DATTO_CREDENTIALS.apiSecretKey);

    // Replacing: only by typing new values; the name/URL can change without touching them.
    const before = row.credentialsCiphertext;
    await updateConnection(admin, { connectionId: created.connectionId, name: "Datto EU", settings: { apiUrl: DATTO_CREDENTIALS.apiUrl }, acknowledgeDuplicate: false });
    const [same] = await db.select().from(connections).where(eq(connections.id, created.connectionId));
    expect(same.credentialsCiphertext).toBe(before);
    await updateConnection(admin, {
      connectionId: created.connectionId,
      name: "Datto EU",
      settings: { apiUrl: DATTO_CREDENTIALS.apiUrl },
      secrets: { apiKey: DATTO_CREDENTIALS.apiKey, apiSecretKey: "new-secret" },
      acknowledgeDuplicate: false,
      note: "rotated",
    });
    const [after] = await db.select().from(connections).where(eq(connections.id, created.connectionId));
    expect(decryptCredentials(after.credentialsCiphertext!, { partnerId, rowId: row.id }).apiSecretKey).toBe("new-secret");
    const [last] = await db.select().from(auditLog).where(and(eq(auditLog.entityId, created.connectionId), eq(auditLog.action, "connection.updated"), eq(auditLog.note, "rotated")));
    expect(last.changes).toMatchObject({ credentials: { from: "[redacted]", to: "[redacted]" } });
  });

  it("R-SEC-1: technicians manage only their organizations' applications; Settings integrations and support stay read-only", async () => {
    const { admin } = await partnerWithAdmin("Roles MSP");
    const acme = await organization(admin, "Acme");
    const globex = await organization(admin, "Globex");
    const tech = await userWithRole(admin, "technician", [acme]);
    const support = await userWithRole(admin, "support");
    const mine = await createApplication(tech, { organizationId: acme, appType: "sentinelone", authorizer: "msp", credentials: SENTINELONE_CREDENTIALS, acknowledgeDuplicate: false });
    expect(mine.status).toBe("connected");
    await expect(
      createApplication(tech, { organizationId: globex, appType: "sentinelone", authorizer: "msp", credentials: SENTINELONE_CREDENTIALS, acknowledgeDuplicate: true }),
    ).rejects.toThrow(/access/);
    await expect(
      createIntegration(tech, { organizationId: acme, appType: "datto_rmm", credentials: DATTO_CREDENTIALS, mappings: [], acknowledgeDuplicate: false }),
    ).rejects.toThrow(/Only admins/);
    const integ = await createIntegration(admin, { organizationId: acme, appType: "datto_rmm", credentials: DATTO_CREDENTIALS, mappings: [], acknowledgeDuplicate: false });
    await expect(setConnectionEnabled(tech, { connectionId: integ.connectionId, enabled: false })).rejects.toThrow();
    await expect(listSettingsIntegrations(tech)).rejects.toThrow();
    // The technician still sees it on their organization's tab, without a link into Settings.
    const rows = await listOrganizationApplications(tech, acme);
    expect(rows.find((r) => r.appType === "datto_rmm")).toMatchObject({ href: null, canManage: false });
    await expect(deleteConnection(support, { connectionId: mine.connectionId })).rejects.toThrow();
    await expect(
      createApplication(support, { organizationId: acme, appType: "okta", authorizer: "msp", credentials: {}, acknowledgeDuplicate: false }),
    ).rejects.toThrow(/Support/);
    // Another partner's connection does not exist for this admin.
    const { admin: other } = await partnerWithAdmin("Other MSP");
    await expect(getConnectionDetail(other, mine.connectionId)).rejects.toThrow(/not found/);
  });

  it("R-SEC-4 / R-SEC-5: disable, enable and delete are audited with the why note; bad credentials change nothing", async () => {
    const { admin } = await partnerWithAdmin("Audit MSP");
    const acme = await organization(admin, "Acme");
    await expect(
      createApplication(admin, { organizationId: acme, appType: "sentinelone", authorizer: "msp", credentials: { consoleUrl: "not a url", apiToken: "" }, acknowledgeDuplicate: false }),
    ).rejects.toMatchObject({ fieldErrors: { "credentials.consoleUrl": [expect.stringMatching(/web address/)], "credentials.apiToken": [expect.any(String)] } });
    expect(await db.select().from(connections).where(eq(connections.organizationId, acme))).toHaveLength(0);
    const c = await createApplication(admin, { organizationId: acme, appType: "sentinelone", authorizer: "msp", credentials: SENTINELONE_CREDENTIALS, acknowledgeDuplicate: false });
    expect(await setConnectionEnabled(admin, { connectionId: c.connectionId, enabled: false, note: "customer offboarding" })).toBe("disabled");
    expect(await setConnectionEnabled(admin, { connectionId: c.connectionId, enabled: true })).toBe("connected");
    await deleteConnection(admin, { connectionId: c.connectionId, note: "contract ended" });
    const entries = await db.select().from(auditLog).where(eq(auditLog.entityId, c.connectionId)).orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.note])).toEqual([
      ["application.created", null],
      ["connection.disabled", "customer offboarding"],
      ["connection.enabled", null],
      ["connection.deleted", "contract ended"],
    ]);
    expect(await db.select().from(organizationApplications).where(eq(organizationApplications.organizationId, acme))).toEqual([]);
  });
});
