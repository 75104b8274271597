/**
 * PSA integrations service against a real PostgreSQL and the fake PSAs on loopback (allow-listed for the
 * SSRF guard by tests/setup/per-file-db.ts, R-SEC-3).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { auditLog, emailSettings, psaCompanyMappings, psaIntegrations } from "@/db/schema";
import { decryptCredentials } from "@/lib/crypto/secrets";
import { planDelivery } from "@/lib/delivery/plan";
import type { Viewer } from "@/lib/auth/viewer";
import { FAKE_CREDENTIALS, startFakePsas, type FakePsas } from "@/lib/psa/fakes";
import { PsaError, secretFieldNames, type PsaVendor } from "@/lib/psa";
import { makeOrganization, makePartner, setEmailSettings } from "../../tests/support/fixtures";
import {
  autoMatchPsaCompanies,
  deletePsaIntegration,
  getPsaIntegration,
  listPsaCompanies,
  listPsaIntegrations,
  loadPsaSnapshots,
  lookupPsaList,
  removePsaMapping,
  replacePsaCredentials,
  savePsaConfiguration,
  sendPsaTestTicket,
  setPsaIntegrationStatus,
  startPsaIntegration,
  testPsaIntegration,
  upsertPsaMapping,
} from ".";

let fakes: FakePsas;

beforeAll(async () => {
  fakes = await startFakePsas();
});
afterAll(async () => {
  await fakes?.stop();
});
beforeEach(() => {
  for (const f of fakes.all) f.reset();
});

function credentialsFor(vendor: PsaVendor): Record<string, string> {
  const all = fakes[vendor].credentials as Record<string, string | undefined>;
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
}

function secretsOf(vendor: PsaVendor): string[] {
  const creds = credentialsFor(vendor);
  return secretFieldNames(vendor).map((n) => creds[n]);
}

/** A finished ConnectWise integration with a board, a full priority map and the given mappings. */
async function connectwiseIntegration(viewer: Viewer, name = "ConnectWise PSA") {
  const { id } = await startPsaIntegration(viewer, { vendor: "connectwise", name, credentials: credentialsFor("connectwise") });
  const boards = await lookupPsaList(viewer, id, "boards", {});
  const priorities = await lookupPsaList(viewer, id, "priorities", {});
  return { id, board: boards[0], priorities };
}

describe("PSA integrations service", () => {
  it("R-SEC-2: Test connection stores the credentials encrypted; the ciphertext does not contain any secret, and no read returns them", async () => {
    const { viewer, partnerId } = await makePartner();
    for (const vendor of ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"] as const) {
      const creds = credentialsFor(vendor);
      const { id, detail } = await startPsaIntegration(viewer, { vendor, name: `${vendor} one`, credentials: creds });
      expect(detail).toMatch(/connected/i);
      const [row] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, id));
      expect(row.credentialsCiphertext).toMatch(/^v1:/);
      for (const value of Object.values(creds)) expect(row.credentialsCiphertext).not.toContain(value);
      // It decrypts only as this partner's row (AAD binding) and holds what was typed.
      expect(decryptCredentials(row.credentialsCiphertext, { partnerId, rowId: id })).toMatchObject(creds);
      expect(() => decryptCredentials(row.credentialsCiphertext, { partnerId, rowId: crypto.randomUUID() })).toThrow();
      // Unfinished until Save: paused, so it can never create a ticket.
      expect(row.status).toBe("paused");
      const shown = JSON.stringify([await getPsaIntegration(viewer, id), await listPsaIntegrations(viewer)]);
      for (const secret of secretsOf(vendor)) expect(shown).not.toContain(secret);
      expect(shown).not.toContain(row.credentialsCiphertext);
    }
  });

  it("R-SEC-5: a failed Test connection shows the vendor's error and stores nothing", async () => {
    const { viewer, partnerId } = await makePartner();
    const bad = { ...credentialsFor("syncro"), apiToken: "T-wrong-token-0000" };
    const err = await startPsaIntegration(viewer, { vendor: "syncro", name: "Syncro", credentials: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PsaError);
    expect((err as PsaError).kind).toBe("auth");
    expect((err as PsaError).message).toMatch(/Syncro/);
    expect((err as PsaError).message).not.toContain("T-wrong-token-0000");
    // Missing fields are field errors named after the vendor's labels.
    await expect(
      startPsaIntegration(viewer, { vendor: "connectwise", name: "CW", credentials: { site: "x.example" } }),
    ).rejects.toMatchObject({ fieldErrors: expect.objectContaining({ "credentials.privateKey": expect.any(Array) }) });
    expect(await db.select().from(psaIntegrations).where(eq(psaIntegrations.partnerId, partnerId))).toEqual([]);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.partnerId, partnerId), eq(auditLog.entityType, "psa_integration")))).toEqual([]);
  });

  it("R-DEL-4: Save stores mapping, catch-all, defaults and priority map, enables the integration, and the snapshot plans a ticket to the mapped company", async () => {
    const { viewer, partnerId } = await makePartner();
    const acme = await makeOrganization(viewer, "Acme Corp");
    const globex = await makeOrganization(viewer, "Globex Corporation");
    const other = await makeOrganization(viewer, "Not In The PSA");
    const { id, board, priorities } = await connectwiseIntegration(viewer);

    // Auto-match proposes exactly the organizations named like a PSA company.
    const auto = await autoMatchPsaCompanies(viewer, id);
    expect(auto.matches.map((m) => m.organizationName).sort()).toEqual(["Acme Corp", "Globex Corporation"]);
    expect(auto.companiesScanned).toBeGreaterThan(100); // more than one page of the fake's 130 companies
    const page = await listPsaCompanies(viewer, id, { search: "Initech" });
    const initech = page.items.find((c) => c.name === "Initech")!;
    const contacts = await lookupPsaList(viewer, id, "contacts", { companyId: initech.id });

    const result = await savePsaConfiguration(viewer, {
      id,
      name: "ConnectWise PSA",
      defaults: { board: board.id },
      priorityMap: { low: priorities[3].id, medium: priorities[2].id, high: priorities[1].id, critical: priorities[0].id },
      fallback: { companyId: initech.id, companyName: initech.name, contactId: contacts[0].id },
      mappings: auto.matches.map((m) => ({ organizationId: m.organizationId, companyId: m.companyId, companyName: m.companyName, overrides: {} })),
      note: "onboarding",
    });
    expect(result).toEqual({ id, status: "active", setupCompleted: true });

    const [acmeSnap] = await loadPsaSnapshots(partnerId, acme.id);
    expect(acmeSnap).toMatchObject({ id, status: "active", mapping: { companyName: "Acme Corp" }, defaults: { board: board.id } });
    expect(acmeSnap.fallback).toMatchObject({ companyId: initech.id, contactId: contacts[0].id });
    const [otherSnap] = await loadPsaSnapshots(partnerId, other.id);
    expect(otherSnap.mapping).toBeNull();
    const [globexSnap] = await loadPsaSnapshots(partnerId, globex.id);
    expect(globexSnap.mapping?.companyName).toBe("Globex Corporation");

    const list = await listPsaIntegrations(viewer);
    expect(list).toMatchObject([{ id, setupComplete: true, status: "active", mappedOrganizations: 2, lastTestOk: true }]);
  });

  it("an unfinished integration (Test connection passed, never saved) plans nothing and cannot be activated", async () => {
    const { viewer, partnerId } = await makePartner();
    const org = await makeOrganization(viewer, "Acme Corp");
    const { id } = await startPsaIntegration(viewer, { vendor: "syncro", name: "Syncro", credentials: credentialsFor("syncro") });
    expect(await loadPsaSnapshots(partnerId, org.id)).toEqual([]);
    await expect(setPsaIntegrationStatus(viewer, { id, status: "active" })).rejects.toThrow(/Finish setting up/);
    // The wizard's second Test connection (credentials corrected) updates the same row.
    const again = await startPsaIntegration(viewer, { vendor: "syncro", integrationId: id, name: "Syncro main", credentials: credentialsFor("syncro") });
    expect(again.id).toBe(id);
    expect((await listPsaIntegrations(viewer)).map((i) => [i.name, i.setupComplete])).toEqual([["Syncro main", false]]);
  });

  it("vendor rules: required ticket defaults and a full priority map are enforced for Autotask; nothing is saved", async () => {
    const { viewer } = await makePartner();
    const { id } = await startPsaIntegration(viewer, { vendor: "autotask", name: "Autotask", credentials: credentialsFor("autotask") });
    const err = await savePsaConfiguration(viewer, {
      id,
      name: "Autotask",
      defaults: {},
      priorityMap: { high: "1" },
      fallback: null,
      mappings: [],
    }).catch((e: unknown) => e as { fieldErrors: Record<string, string[]> });
    expect(Object.keys((err as { fieldErrors: Record<string, string[]> }).fieldErrors).sort()).toEqual(
      ["defaults.queue", "defaults.status", "priorityMap.critical", "priorityMap.low", "priorityMap.medium"].sort(),
    );
    const [row] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, id));
    expect(row.status).toBe("paused");
    expect(row.connection.setup).toBe("unfinished");
  });

  it("R-DEL-3: pausing keeps credentials, mappings, defaults and priority map; reactivating needs nothing re-entered", async () => {
    const { viewer, partnerId } = await makePartner();
    const acme = await makeOrganization(viewer, "Acme Corp");
    const { id, board, priorities } = await connectwiseIntegration(viewer);
    const auto = await autoMatchPsaCompanies(viewer, id);
    await savePsaConfiguration(viewer, {
      id,
      name: "ConnectWise PSA",
      defaults: { board: board.id },
      priorityMap: { high: priorities[0].id },
      fallback: null,
      mappings: auto.matches.map((m) => ({ ...m, overrides: {} })),
    });
    const [before] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, id));
    const mappingsBefore = await db.select().from(psaCompanyMappings).where(eq(psaCompanyMappings.integrationId, id));
    await setEmailSettings(partnerId, { respondEventDetail: false });
    const [emailBefore] = await db.select().from(emailSettings).where(eq(emailSettings.partnerId, partnerId));

    expect(await setPsaIntegrationStatus(viewer, { id, status: "paused", note: "PSA maintenance window" })).toEqual({ status: "paused", changed: true });
    const [paused] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, id));
    expect(paused.status).toBe("paused");
    const { status: _s1, updatedAt: _u1, ...keptPaused } = paused;
    const { status: _s2, updatedAt: _u2, ...keptBefore } = before;
    void [_s1, _s2, _u1, _u2];
    expect(keptPaused).toEqual(keptBefore);
    expect(await db.select().from(psaCompanyMappings).where(eq(psaCompanyMappings.integrationId, id))).toEqual(mappingsBefore);
    // Pausing a PSA never touches email settings.
    expect((await db.select().from(emailSettings).where(eq(emailSettings.partnerId, partnerId)))[0]).toEqual(emailBefore);
    // The planner skips a paused integration (R-DEL-3) ...
    const alert = { id: crypto.randomUUID(), organizationId: acme.id, priority: "high" as const, title: "t", summary: "s", detectedAt: new Date(), respondEvents: [], iocMatches: [] };
    const snapshotBase = {
      partner: { id: partnerId, name: "p" },
      organization: { id: acme.id, name: "Acme Corp", deliveryEnabled: true },
      email: { globalSubjectFormat: "{{ alert.title }}", organizationSubjectFormat: "{{ alert.title }}", respondEventDetail: true, iocEventDetail: true },
      globalRecipients: [],
      organizationRecipients: [],
    };
    const pausedPlan = planDelivery(alert, { ...snapshotBase, psaIntegrations: await loadPsaSnapshots(partnerId, acme.id) });
    expect(pausedPlan.deliveries[0]).toMatchObject({ status: "skipped", rule: "R-DEL-3" });

    // ... and Active resumes with the same mapping and credentials.
    await setPsaIntegrationStatus(viewer, { id, status: "active" });
    const resumedPlan = planDelivery(alert, { ...snapshotBase, psaIntegrations: await loadPsaSnapshots(partnerId, acme.id) });
    expect(resumedPlan.deliveries[0]).toMatchObject({ status: "planned", rule: "R-DEL-4", psa: { companyName: "Acme Corp", priorityId: priorities[0].id } });
    const [resumed] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, id));
    expect(resumed.credentialsCiphertext).toBe(before.credentialsCiphertext);
    expect((await testPsaIntegration(viewer, id)).ok).toBe(true);

    const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, id));
    const pausedEntry = audit.find((a) => a.action === "psa_integration.paused")!;
    expect(pausedEntry.note).toBe("PSA maintenance window");
    expect(pausedEntry.changes).toEqual({ status: { from: "Active", to: "Paused" } });
    expect(audit.some((a) => a.action === "psa_integration.resumed")).toBe(true);
  });

  it("mapping upsert: re-mapping an organization updates its one row; removing it sends its alerts to the catch-all (R-DEL-4)", async () => {
    const { viewer, partnerId } = await makePartner();
    const acme = await makeOrganization(viewer, "Acme Corp");
    const { id, board } = await connectwiseIntegration(viewer);
    const companies = (await listPsaCompanies(viewer, id, {})).items;
    await savePsaConfiguration(viewer, {
      id,
      name: "ConnectWise PSA",
      defaults: { board: board.id },
      priorityMap: {},
      fallback: { companyId: companies[5].id, companyName: companies[5].name },
      mappings: [],
    });
    await upsertPsaMapping(viewer, { integrationId: id, organizationId: acme.id, companyId: companies[0].id, companyName: companies[0].name });
    const second = await upsertPsaMapping(viewer, {
      integrationId: id,
      organizationId: acme.id,
      companyId: companies[1].id,
      companyName: companies[1].name,
      overrides: { board: board.id, priority: "1" },
    });
    expect(second).toMatchObject({ organizationName: "Acme Corp", companyId: companies[1].id, overrides: { board: board.id, priority: "1" } });
    const rows = await db.select().from(psaCompanyMappings).where(eq(psaCompanyMappings.integrationId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0].companyId).toBe(companies[1].id);
    await expect(
      upsertPsaMapping(viewer, { integrationId: id, organizationId: acme.id, companyId: "1", companyName: "x", overrides: { notAField: "1" } }),
    ).rejects.toThrow(/no ticket field called "notAField"/);

    await removePsaMapping(viewer, { integrationId: id, organizationId: acme.id, note: "customer moved" });
    const [snap] = await loadPsaSnapshots(partnerId, acme.id);
    expect(snap.mapping).toBeNull();
    expect(snap.fallback?.companyId).toBe(companies[5].id);
    const actions = (await db.select().from(auditLog).where(eq(auditLog.entityId, id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["psa_integration.mapping_saved", "psa_integration.mapping_removed"]));
  });

  it("R-SEC-1: another partner can neither see, change, look up with, map into, nor send through an integration", async () => {
    const a = await makePartner();
    const b = await makePartner();
    const orgA = await makeOrganization(a.viewer, "Acme Corp");
    const orgB = await makeOrganization(b.viewer, "Acme Corp");
    const { id, board } = await connectwiseIntegration(a.viewer);
    await savePsaConfiguration(a.viewer, { id, name: "CW", defaults: { board: board.id }, priorityMap: {}, fallback: null, mappings: [] });

    expect(await listPsaIntegrations(b.viewer)).toEqual([]);
    await expect(getPsaIntegration(b.viewer, id)).rejects.toThrow(/not found/);
    await expect(setPsaIntegrationStatus(b.viewer, { id, status: "paused" })).rejects.toThrow(/not found/);
    await expect(listPsaCompanies(b.viewer, id, {})).rejects.toThrow(/not found/);
    await expect(lookupPsaList(b.viewer, id, "boards", {})).rejects.toThrow(/not found/);
    await expect(replacePsaCredentials(b.viewer, { id, credentials: credentialsFor("connectwise") })).rejects.toThrow(/not found/);
    await expect(deletePsaIntegration(b.viewer, { id })).rejects.toThrow(/not found/);
    await expect(sendPsaTestTicket(b.viewer, { id, organizationId: orgB.id })).rejects.toThrow(/not found/);
    // Partner A cannot map partner B's organization into its own integration.
    await expect(
      upsertPsaMapping(a.viewer, { integrationId: id, organizationId: orgB.id, companyId: "1", companyName: "x" }),
    ).rejects.toThrow(/does not exist/);
    await expect(
      savePsaConfiguration(a.viewer, {
        id,
        name: "CW",
        defaults: { board: board.id },
        priorityMap: {},
        fallback: null,
        mappings: [{ organizationId: orgB.id, companyId: "1", companyName: "x", overrides: {} }],
      }),
    ).rejects.toThrow(/does not exist/);
    expect(await loadPsaSnapshots(b.partnerId, orgB.id)).toEqual([]);
    expect(await loadPsaSnapshots(b.partnerId, orgA.id)).toEqual([]);
    const [row] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, id));
    expect(row.status).toBe("active");
    expect(fakes.connectwise.tickets).toHaveLength(0);
  });

  it("R-SEC-4: every change is audited with the why note, and credential values never reach the audit log", async () => {
    const { viewer } = await makePartner();
    const acme = await makeOrganization(viewer, "Acme Corp");
    const creds = credentialsFor("halopsa");
    const { id } = await startPsaIntegration(viewer, { vendor: "halopsa", name: "Halo", credentials: creds, note: "new PSA" });
    const types = await lookupPsaList(viewer, id, "ticketTypes", {});
    const companies = (await listPsaCompanies(viewer, id, { search: "Acme Corp" })).items;
    await savePsaConfiguration(viewer, {
      id,
      name: "HaloPSA",
      defaults: { ticketType: types[0].id },
      priorityMap: {},
      fallback: null,
      mappings: [{ organizationId: acme.id, companyId: companies[0].id, companyName: companies[0].name, overrides: {} }],
      note: "mapped Acme",
    });
    await replacePsaCredentials(viewer, { id, credentials: creds, note: "rotated secret" });
    await setPsaIntegrationStatus(viewer, { id, status: "paused", note: "maintenance" });
    await deletePsaIntegration(viewer, { id, note: "moving to ConnectWise" });

    const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, id)).orderBy(auditLog.id);
    expect(audit.map((a) => [a.action, a.note])).toEqual([
      ["psa_integration.created", "new PSA"],
      ["psa_integration.setup_completed", "mapped Acme"],
      ["psa_integration.credentials_replaced", "rotated secret"],
      ["psa_integration.paused", "maintenance"],
      ["psa_integration.deleted", "moving to ConnectWise"],
    ]);
    expect(audit[0].changes.credentials).toEqual({ to: "[redacted]" });
    expect(audit[1].changes["mapping of Acme Corp"]).toMatchObject({ to: expect.stringContaining(companies[0].name) });
    expect(audit[2].changes.credentials).toEqual({ from: "[redacted]", to: "[redacted]" });
    const everything = JSON.stringify(audit);
    for (const secret of secretsOf("halopsa")) expect(everything).not.toContain(secret);
    expect(await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, id))).toEqual([]);
  });

  it("R-REL-2: Send test ticket creates one clearly marked ticket at the PSA through the delivery channel", async () => {
    const { viewer } = await makePartner();
    const acme = await makeOrganization(viewer, "Acme Corp");
    const unmapped = await makeOrganization(viewer, "Nobody Inc");
    const { id } = await startPsaIntegration(viewer, { vendor: "syncro", name: "Syncro", credentials: credentialsFor("syncro") });
    const auto = await autoMatchPsaCompanies(viewer, id);
    const priorities = await lookupPsaList(viewer, id, "priorities", {});
    await savePsaConfiguration(viewer, {
      id,
      name: "Syncro",
      defaults: {},
      priorityMap: { high: priorities[0].id },
      fallback: null,
      mappings: auto.matches.map((m) => ({ ...m, overrides: {} })),
    });
    // Paused: the test still goes (pausing is how admins troubleshoot) — only alerts are held back.
    await setPsaIntegrationStatus(viewer, { id, status: "paused" });
    const sent = await sendPsaTestTicket(viewer, { id, organizationId: acme.id, priority: "high", note: "checking" });
    expect(sent.ticketId).toBeTruthy();
    expect(sent.companyName).toBe("Acme Corp");
    expect(fakes.syncro.tickets).toHaveLength(1);
    const ticket = fakes.syncro.tickets[0];
    expect(ticket.title).toMatch(/^HIGH - \[TEST\] Switchboard test ticket for Syncro \(Acme Corp\) \[sb:[0-9a-f-]{36}\]$/);
    expect(String(ticket.companyId)).toBe(auto.matches.find((m) => m.organizationId === acme.id)!.companyId);
    await expect(sendPsaTestTicket(viewer, { id, organizationId: unmapped.id })).rejects.toThrow(/not mapped/);
    expect(fakes.syncro.tickets).toHaveLength(1);
  });

  it("names are unique per partner so two instances of one PSA can be told apart (two ConnectWise instances)", async () => {
    const { viewer } = await makePartner();
    await connectwiseIntegration(viewer, "ConnectWise US");
    await connectwiseIntegration(viewer, "ConnectWise EU");
    await expect(connectwiseIntegration(viewer, "connectwise us")).rejects.toThrow(/already has this name/);
    expect((await listPsaIntegrations(viewer)).map((i) => i.name)).toEqual(["ConnectWise EU", "ConnectWise US"]);
  });

  it("only admins change PSA integrations; support may read them", async () => {
    const { viewer } = await makePartner();
    const { id } = await connectwiseIntegration(viewer);
    const support: Viewer = { ...viewer, role: "support" };
    const technician: Viewer = { ...viewer, role: "technician", organizationIds: [] };
    expect((await listPsaIntegrations(support)).length).toBe(1);
    await expect(setPsaIntegrationStatus(support, { id, status: "paused" })).rejects.toThrow(/Only admins/);
    await expect(lookupPsaList(support, id, "boards", {})).rejects.toThrow(/Only admins/);
    await expect(listPsaIntegrations(technician)).rejects.toThrow(/permission/);
  });

  it("look-ups serve only the vendor's own lists", async () => {
    const { viewer } = await makePartner();
    const { id, board } = await connectwiseIntegration(viewer);
    expect((await lookupPsaList(viewer, id, "statuses", { board: board.id, unrelated: "x" })).length).toBeGreaterThan(0);
    await expect(lookupPsaList(viewer, id, "queues", {})).rejects.toThrow(/no list called "queues"/);
    await expect(lookupPsaList(viewer, id, "agreements", {})).rejects.toThrow(/Choose the company first/);
  });
});
