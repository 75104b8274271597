import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAKE_CREDENTIALS, FakeHaloPsa, FEATURED_COMPANY_NAMES, HALO_CLIENT_ID_BASE } from "./fakes";
import { HaloPsaClient } from "./halopsa";
import { createPsaClient } from "./index";
import { draft, expectNoSecrets, LOOPBACK, newReference, psaError } from "./testing/fixtures";
import { precompileVendorSchema, validateAgainstVendorSchema, validateCreateTicketBody } from "./testing/vendor-schema";
import { haloAuthBase, haloResourceBase } from "./url";

const fake = new FakeHaloPsa();
const ACME = String(HALO_CLIENT_ID_BASE);
const DEFAULTS = { ticketType: "21", team: "Security", status: "1" };

beforeAll(async () => {
  await fake.start();
  precompileVendorSchema("halopsa");
  precompileVendorSchema("halopsa", "/components/schemas/Faults");
}, 120_000);
afterAll(() => fake.stop());
afterEach(() => {
  fake.reset();
  fake.tokenTtlSeconds = 3600;
});

function newClient(now?: () => number): HaloPsaClient {
  return createPsaClient("halopsa", fake.credentials, { ...LOOPBACK, now }) as HaloPsaClient;
}

describe("HaloPSA adapter against the fake", () => {
  it("R-SEC-2: gets a client_credentials token at {auth}/token?tenant= and sends it as Bearer", async () => {
    const { detail } = await newClient().testConnection();
    expect(detail).toBe("Connected to HaloPSA; 4 ticket types visible to the API agent.");
    const token = fake.lastRequest((r) => r.path === "/auth/token");
    expect(new URLSearchParams(token?.query).get("tenant")).toBe(FAKE_CREDENTIALS.halopsa.tenant);
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: "client_credentials",
      client_id: FAKE_CREDENTIALS.halopsa.clientId,
      client_secret: FAKE_CREDENTIALS.halopsa.clientSecret,
      scope: "all",
    });
    const issued = JSON.parse(token?.response?.body ?? "{}").access_token;
    expect(fake.lastRequest((r) => r.path === "/api/TicketType")?.headers.authorization).toBe(`Bearer ${issued}`);
  });

  it("derives the auth server from the resource URL and strips a pasted /api", () => {
    expect(haloResourceBase("acme.halopsa.com/api")).toBe("https://acme.halopsa.com");
    expect(haloAuthBase("https://acme.halopsa.com/api/")).toBe("https://acme.halopsa.com/auth");
    expect(haloAuthBase("acme.halopsa.com", "https://auth.example.com/auth/token")).toBe("https://auth.example.com/auth");
  });

  it("R-SEC-2: a wrong client secret is a non-retryable auth error with the OAuth text, without the secret", async () => {
    const bad = createPsaClient("halopsa", { ...fake.credentials, clientSecret: "WrongHaloSecret-1" }, LOOPBACK);
    const err = await psaError(bad.testConnection());
    expect(err).toMatchObject({ kind: "auth", retryable: false, status: 401, vendorMessage: "Invalid client credentials." });
    expectNoSecrets(err, ["WrongHaloSecret-1"]);
    const wrongTenant = await psaError(createPsaClient("halopsa", { ...fake.credentials, tenant: "other" }, LOOPBACK).testConnection());
    expect(wrongTenant).toMatchObject({ kind: "auth", status: 400, vendorMessage: "Unknown tenant." });
  });

  it("caches the token until about a minute before expires_in", async () => {
    let now = Date.now();
    const c = newClient(() => now);
    fake.tokenTtlSeconds = 600;
    await c.testConnection();
    await c.lookup("statuses");
    await Promise.all([c.lookup("teams"), c.lookup("outcomes")]);
    expect(fake.tokenCount).toBe(1);
    now += 530_000;
    await c.lookup("statuses");
    expect(fake.tokenCount).toBe(1);
    now += 20_000; // 550 s of 600: inside the 60 s margin
    await c.lookup("statuses");
    expect(fake.tokenCount).toBe(2);
  });

  it("a refused token (401) is replaced once and the call succeeds", async () => {
    const c = newClient();
    await c.testConnection();
    fake.expireTokens();
    expect((await c.lookup("statuses")).length).toBe(4);
    expect(fake.tokenCount).toBe(2);
  });

  it("pages clients with pageinate/page_size/page_no and record_count; search goes to ?search=", async () => {
    const c = newClient();
    const first = await c.listCompanies();
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toBe("2");
    const q = new URLSearchParams(fake.lastRequest((r) => r.path === "/api/Client")?.query);
    expect(q.get("pageinate")).toBe("true");
    const second = await c.listCompanies({ cursor: "2" });
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeUndefined();
    const all = await c.listAllCompanies();
    expect(all).toHaveLength(130);
    for (const name of FEATURED_COMPANY_NAMES) expect(all.map((x) => x.name)).toContain(name);
    expect((await c.listCompanies({ search: "acme" })).items).toEqual([{ id: ACME, name: "Acme Corp" }]);
  });

  it("scopes priorities to the ticket type's SLA and fills the other look-ups", async () => {
    const c = newClient();
    expect((await c.lookup("priorities", { ticketType: "21" })).map((p) => p.name)).toEqual(["P1 - Active Threat", "P2 - Investigate", "P3 - Informational"]);
    expect((await c.lookup("priorities", { ticketType: "1" })).map((p) => p.id)).toEqual(["1", "2", "3", "4"]);
    expect(await c.lookup("priorities", { ticketType: "30" })).toEqual([]); // no SLA: no priority to choose
    expect((await c.lookup("teams")).map((t) => t.id)).toContain("Security"); // Halo takes the team by name
    expect((await c.lookup("contracts", { companyId: ACME })).map((x) => x.name)).toEqual(["MSEC-ACMECORP"]);
    expect((await c.lookup("sites", { companyId: ACME })).length).toBe(2);
    expect((await c.lookup("contacts", { companyId: ACME })).length).toBe(3);
    expect((await c.lookup("outcomes")).find((o) => o.id === "7")?.name).toBe("Private Note");
  });

  it("creates a ticket with an ARRAY body that validates against the vendor's Faults[] schema", async () => {
    const c = newClient();
    const d = draft({ companyId: ACME, siteId: "7000", contactId: "90000", priorityId: "1", fields: { ...DEFAULTS, contract: "3100" } });
    const created = await c.createTicket(d);
    const post = fake.lastRequest((r) => r.method === "POST" && r.path === "/api/Tickets");
    const sent = JSON.parse(post?.body ?? "null");
    expect(Array.isArray(sent)).toBe(true);
    expect(validateCreateTicketBody("halopsa", sent).errors).toEqual([]);
    expect(sent[0]).toMatchObject({ client_id: 42, site_id: 7000, user_id: 90000, tickettype_id: 21, team: "Security", priority_id: 1, contract_id: 3100 });
    expect(sent[0].summary).toBe(`${d.title} [${d.reference}]`);
    // No response schema in the document: the saved ticket must at least be a valid Faults object.
    const saved = JSON.parse(post?.response?.body ?? "{}");
    expect(saved.id).toBe(Number(created.id));
    expect(validateAgainstVendorSchema("halopsa", "/components/schemas/Faults", saved).errors).toEqual([]);
  });

  it("R-REL-2: finds an existing ticket by the summary token via the Tickets search", async () => {
    const c = newClient();
    const d = draft({ companyId: ACME, fields: { ticketType: "30" } });
    const created = await c.createTicket(d);
    expect(await c.findTicketByReference(d.reference, ACME)).toEqual(created);
    expect(await c.findTicketByReference(newReference(), ACME)).toBeNull();
    const q = new URLSearchParams(fake.lastRequest((r) => r.method === "GET" && r.path === "/api/Tickets")?.query);
    expect(q.get("search")).toMatch(/^\[sb:[0-9a-f-]+\]$/);
    expect(q.get("client_id")).toBe(ACME);
  });

  it("R-REL-2: a create dropped after processing is found by reference", async () => {
    const c = newClient();
    await c.testConnection();
    const d = draft({ companyId: ACME, fields: { ticketType: "30" } });
    fake.failNext(1, "drop_after", { method: "POST", path: "/api/Tickets" });
    expect(await psaError(c.createTicket(d))).toMatchObject({ kind: "network", retryable: true });
    expect((await c.findTicketByReference(d.reference, ACME))?.id).toBe(String(fake.tickets[0].id));
  });

  it("R-REL-3: Halo's 400 texts are not retryable and are shown verbatim (plain text and ModelState)", async () => {
    const c = newClient();
    const cab = await psaError(c.createTicket(draft({ companyId: ACME, fields: { ticketType: "99" } })));
    expect(cab).toMatchObject({ kind: "validation", retryable: false, status: 400, vendorMessage: "CODE:APP03/2 Please select the CAB members to approve" });
    const sla = await psaError(c.createTicket(draft({ companyId: ACME, priorityId: "4", fields: { ticketType: "21" } })));
    expect(sla.vendorMessage).toBe("[0].priority_id: Priority 4 is not valid for the SLA of ticket type Security Alert.");
  });

  it("R-REL-3: 429 is retryable with Retry-After", async () => {
    const c = newClient();
    await c.testConnection();
    fake.setFaults({ retryAfterSeconds: 12 });
    fake.failNext(1, "rate_limit", { path: "/api/Tickets" });
    expect(await psaError(c.createTicket(draft({ companyId: ACME, fields: DEFAULTS })))).toMatchObject({
      kind: "rate_limited",
      retryable: true,
      retryAfterMs: 12_000,
      vendorMessage: "Too many requests. Please retry later.",
    });
  });

  it("adds a note as an Action with an outcome (7 unless configured)", async () => {
    const c = newClient();
    const created = await c.createTicket(draft({ companyId: ACME, fields: DEFAULTS }));
    await c.addNote(created.id, "Repeat detection at 10:45Z");
    const sent = JSON.parse(fake.lastRequest((r) => r.path === "/api/Actions")?.body ?? "null");
    expect(sent).toEqual([{ ticket_id: Number(created.id), outcome_id: 7, hiddenfromuser: true, note: "Repeat detection at 10:45Z" }]);
    expect(validateAgainstVendorSchema("halopsa", "/paths/~1Actions/post/requestBody/content/application~1json/schema", sent).errors).toEqual([]);
    const denied = await psaError(c.addNote(created.id, "x", { noteOutcome: "55" }));
    expect(denied).toMatchObject({ kind: "auth", status: 403, vendorMessage: "You do not have access to this Action at the moment" });
  });
});
