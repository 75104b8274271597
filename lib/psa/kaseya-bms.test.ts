import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BMS_ACCOUNT_ID_BASE, FAKE_CREDENTIALS, FakeKaseyaBms, FEATURED_COMPANY_NAMES } from "./fakes";
import { createPsaClient } from "./index";
import { KaseyaBmsClient } from "./kaseya-bms";
import { draft, expectNoSecrets, LOOPBACK, newReference, psaError } from "./testing/fixtures";
import { precompileVendorSchema, validateAgainstVendorSchema, validateCreateTicketBody } from "./testing/vendor-schema";

const fake = new FakeKaseyaBms();
const ACME = String(BMS_ACCOUNT_ID_BASE);
const DEFAULTS = { queue: "14", status: "1", type: "3", source: "4", issueType: "22", subIssueType: "91" };
let client: KaseyaBmsClient;

beforeAll(async () => {
  await fake.start();
  precompileVendorSchema("kaseya_bms");
  precompileVendorSchema("kaseya_bms", "/components/schemas/TicketOutputDtoResponse", { wireCase: "camel", refsNullable: true });
}, 60_000);
afterAll(() => fake.stop());
afterEach(() => {
  fake.reset();
  fake.tokenTtlMs = 60 * 60_000;
});

function newClient(now?: () => number): KaseyaBmsClient {
  return createPsaClient("kaseya_bms", fake.credentials, { ...LOOPBACK, now }) as KaseyaBmsClient;
}

describe("Kaseya BMS adapter against the fake", () => {
  it("R-SEC-2: authenticates with a form POST, then sends the JWT as a Bearer token", async () => {
    client = newClient();
    const { detail } = await client.testConnection();
    expect(detail).toBe(`Connected to Kaseya BMS tenant "${FAKE_CREDENTIALS.kaseya_bms.tenant}" as API User.`);
    const auth = fake.lastRequest((r) => r.path === "/v2/security/authenticate");
    expect(auth?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(auth?.body))).toEqual({
      grantType: "password",
      userName: FAKE_CREDENTIALS.kaseya_bms.username,
      password: FAKE_CREDENTIALS.kaseya_bms.password,
      tenant: FAKE_CREDENTIALS.kaseya_bms.tenant,
    });
    const token = JSON.parse(auth?.response?.body ?? "{}").result.accessToken as string;
    expect(fake.lastRequest((r) => r.path === "/v2/security/userinfo")?.headers.authorization).toBe(`Bearer ${token}`);
    // The token endpoint's answer has the vendor's TokenOutputDtoResponse shape (camelCase on the wire).
    const shape = validateAgainstVendorSchema("kaseya_bms", "/components/schemas/TokenOutputDtoResponse", JSON.parse(auth?.response?.body ?? "{}"), {
      wireCase: "camel",
      refsNullable: true,
    });
    expect(shape.errors).toEqual([]);
  });

  it("R-SEC-2: bad credentials (reported with HTTP 200 and success:false) are an auth error without the password", async () => {
    const bad = createPsaClient("kaseya_bms", { ...fake.credentials, password: "NotThePassword!1" }, LOOPBACK);
    const err = await psaError(bad.testConnection());
    expect(err).toMatchObject({ kind: "auth", retryable: false, status: 200, vendorMessage: "Invalid username, password or company name." });
    expect(err.message).toMatch(/check the tenant, username and password/i);
    expectNoSecrets(err, ["NotThePassword!1"]);
  });

  it("caches the token until shortly before accessTokenExpireOn, then authenticates again", async () => {
    let now = Date.now();
    const c = newClient(() => now);
    fake.tokenTtlMs = 10 * 60_000;
    await c.testConnection();
    await c.lookup("queues");
    await c.lookup("statuses");
    expect(fake.authCount).toBe(1);
    now += 8 * 60_000; // still more than a minute before expiry
    await c.lookup("priorities");
    expect(fake.authCount).toBe(1);
    now += 90_000; // inside the safety margin: renew before the token dies
    await c.lookup("priorities");
    expect(fake.authCount).toBe(2);
  });

  it("concurrent first calls share one authentication", async () => {
    const c = newClient();
    await Promise.all([c.lookup("queues"), c.lookup("statuses"), c.lookup("priorities"), c.testConnection()]);
    expect(fake.authCount).toBe(1);
  });

  it("a token the server no longer accepts (HTTP 401) is replaced once and the call succeeds", async () => {
    const c = newClient();
    await c.testConnection();
    fake.expireTokens();
    expect((await c.lookup("queues")).length).toBeGreaterThan(0);
    expect(fake.authCount).toBe(2);
    // Several calls refused at once still lead to one new authentication.
    fake.expireTokens();
    await Promise.all([c.lookup("queues"), c.lookup("statuses"), c.lookup("priorities"), c.lookup("issueTypes")]);
    expect(fake.authCount).toBe(3);
  });

  it("pages accounts with PageSize/PageNumber (0-based) and searches with Filter.Name", async () => {
    const c = newClient();
    const first = await c.listCompanies();
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toBe("1");
    const second = await c.listCompanies({ cursor: first.nextCursor });
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeUndefined();
    const all = await c.listAllCompanies();
    expect(all).toHaveLength(130);
    for (const name of FEATURED_COMPANY_NAMES) expect(all.map((a) => a.name)).toContain(name);
    expect((await c.listCompanies({ search: "initech" })).items).toEqual([{ id: String(BMS_ACCOUNT_ID_BASE + 2), name: "Initech" }]);
    const page = JSON.parse(fake.lastRequest((r) => r.path === "/v2/crm/accounts/lookup")?.response?.body ?? "{}");
    expect(
      validateAgainstVendorSchema("kaseya_bms", "/components/schemas/AccountLookupOutputDtoListResponse", page, { wireCase: "camel", refsNullable: true }).errors,
    ).toEqual([]);
  });

  it("fills look-ups: queues, statuses, priorities, types/sources tables, issue/sub-issue types, contracts, locations, contacts", async () => {
    const c = newClient();
    expect((await c.lookup("queues")).map((q) => q.name)).toEqual(["Security Operations", "Service Desk"]);
    expect((await c.lookup("priorities")).find((p) => p.isDefault)?.name).toBe("Medium");
    expect((await c.lookup("types")).map((t) => t.name)).toContain("Incident");
    expect((await c.lookup("sources")).map((t) => t.name)).toContain("Monitoring");
    expect((await c.lookup("subIssueTypes", { issueType: "22" })).length).toBe(3);
    expect((await c.lookup("contracts", { companyId: ACME })).map((x) => x.name)).toEqual(["Managed Security - Acme Corp"]);
    expect((await c.lookup("sites", { companyId: ACME })).find((s) => s.isDefault)?.name).toBe("Main Office");
    expect((await c.lookup("contacts", { companyId: ACME })).length).toBe(3);
  });

  it("creates a ticket: TicketInputDto body validates, main location filled in, reference token in the Title", async () => {
    const c = newClient();
    const d = draft({ companyId: ACME, priorityId: "2", contactId: "5100", fields: { ...DEFAULTS, contract: "800" } });
    const created = await c.createTicket(d);
    expect(created.number).toMatch(/^T\d{8}\.\d{4}$/);
    const stored = fake.tickets[0];
    expect(validateCreateTicketBody("kaseya_bms", stored.request).errors).toEqual([]);
    expect(stored.request).toMatchObject({ AccountId: 1201, LocationId: 3300, QueueId: 14, StatusId: 1, PriorityId: 2, TypeId: 3, SourceId: 4 });
    expect(stored.request.Title).toBe(`${d.title} [${d.reference}]`);
    const answer = JSON.parse(fake.lastRequest((r) => r.method === "POST" && r.path === "/v2/servicedesk/tickets")?.response?.body ?? "{}");
    expect(answer.result.id).toBe(Number(created.id));
    expect(
      validateAgainstVendorSchema("kaseya_bms", "/components/schemas/TicketOutputDtoResponse", answer, { wireCase: "camel", refsNullable: true }).errors,
    ).toEqual([]);
  });

  it("keeps the whole reference token when the title is too long", async () => {
    const c = newClient();
    const d = draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS, title: "x".repeat(400) });
    await c.createTicket(d);
    const title = String(fake.tickets[0].request.Title);
    expect(title.length).toBeLessThanOrEqual(255);
    expect(title.endsWith(` [${d.reference}]`)).toBe(true);
  });

  it("R-REL-2: finds an existing ticket by the title token (Filter.Title + Filter.AccountIds)", async () => {
    const c = newClient();
    const d = draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS });
    const created = await c.createTicket(d);
    expect(await c.findTicketByReference(d.reference, ACME)).toEqual(created);
    expect(await c.findTicketByReference(newReference(), ACME)).toBeNull();
    const q = new URLSearchParams(fake.lastRequest((r) => r.method === "GET" && r.path === "/v2/servicedesk/tickets")?.query);
    expect(q.get("Filter.Title")).toMatch(/^\[sb:[0-9a-f-]+\]$/);
    expect(q.get("Filter.AccountIds")).toBe(ACME);
  });

  it("R-REL-2: a create dropped after processing is found by reference before any retry", async () => {
    const c = newClient();
    await c.testConnection();
    await c.lookup("sites", { companyId: ACME });
    const d = draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS });
    fake.failNext(1, "drop_after", { method: "POST", path: "/v2/servicedesk/tickets" });
    expect(await psaError(c.createTicket(d))).toMatchObject({ kind: "network", retryable: true });
    expect((await c.findTicketByReference(d.reference, ACME))?.id).toBe(String(fake.tickets[0].id));
  });

  it("R-REL-3: a business failure reported with HTTP 200 is not retryable and shows error.message verbatim", async () => {
    const c = newClient();
    const err = await psaError(c.createTicket(draft({ companyId: ACME, priorityId: "2", fields: { status: "1", type: "3", source: "4" } })));
    expect(err).toMatchObject({ kind: "validation", retryable: false, status: 200 });
    expect(err.vendorMessage).toBe("Either a queue or an assignee must be set.");
    const missing = await psaError(c.createTicket(draft({ companyId: ACME, fields: DEFAULTS })));
    expect(missing.vendorMessage).toBe("One or more validation errors occurred. The PriorityId field is required.");
  });

  it("R-REL-3: 429 is retryable with Retry-After; 500 is retryable", async () => {
    const c = newClient();
    await c.testConnection();
    fake.setFaults({ retryAfterSeconds: 3 });
    fake.failNext(1, "rate_limit", { path: "/v2/crm" });
    expect(await psaError(c.listCompanies())).toMatchObject({ kind: "rate_limited", retryable: true, retryAfterMs: 3000 });
    fake.failNext(1, "server_error", { path: "/v2/crm" });
    expect(await psaError(c.listCompanies())).toMatchObject({ kind: "server", retryable: true, status: 500 });
  });

  it("adds an internal note (TicketNotePostInputDto)", async () => {
    const c = newClient();
    const created = await c.createTicket(draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS }));
    await c.addNote(created.id, "Repeat detection at 10:45Z");
    const sent = JSON.parse(fake.lastRequest((r) => r.path.endsWith("/notes"))?.body ?? "{}");
    expect(validateAgainstVendorSchema("kaseya_bms", "/components/schemas/TicketNotePostInputDto", sent).errors).toEqual([]);
    expect(fake.tickets[0].notes).toEqual(["Repeat detection at 10:45Z"]);
  });
});
