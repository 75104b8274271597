import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AutotaskClient } from "./autotask";
import { AT_COMPANY_ID_BASE, FAKE_CREDENTIALS, FakeAutotask, FEATURED_COMPANY_NAMES } from "./fakes";
import { createPsaClient } from "./index";
import { draft, expectNoSecrets, LOOPBACK, newReference, psaError } from "./testing/fixtures";
import { precompileVendorSchema, validateAgainstVendorSchema, validateCreateTicketBody } from "./testing/vendor-schema";
import { autotaskDiscoveryBase } from "./url";

const fake = new FakeAutotask();
let client: AutotaskClient;
const ACME = String(AT_COMPANY_ID_BASE);
const DEFAULTS = { queue: "29683482", status: "1", issueType: "12", subIssueType: "204", ticketType: "5", source: "8", ticketCategory: "4" };

beforeAll(async () => {
  await fake.start();
  client = createPsaClient("autotask", fake.credentials, LOOPBACK) as AutotaskClient;
  precompileVendorSchema("autotask");
}, 60_000);
afterAll(() => fake.stop());
afterEach(() => fake.reset());

describe("Autotask adapter against the fake", () => {
  it("R-SEC-2: discovers the zone without credentials, then sends ApiIntegrationCode/UserName/Secret headers", async () => {
    const fresh = createPsaClient("autotask", fake.credentials, LOOPBACK);
    const { detail } = await fresh.testConnection();
    expect(detail).toMatch(/Connected to Autotask zone Fake Zone 3; \d+ of 10000 API requests used/);
    const zone = fake.lastRequest((r) => r.path.toLowerCase().endsWith("/zoneinformation"));
    expect(new URLSearchParams(zone?.query).get("user")).toBe(FAKE_CREDENTIALS.autotask.username);
    expect(zone?.headers.secret).toBeUndefined();
    expect(zone?.headers.apiintegrationcode).toBeUndefined();
    const threshold = fake.lastRequest((r) => r.path.endsWith("/ThresholdInformation"));
    // The API lives on the discovered zone, not on the discovery base.
    expect(threshold?.path).toBe("/zone3/atservicesrest/v1.0/ThresholdInformation");
    expect(threshold?.headers).toMatchObject({
      apiintegrationcode: FAKE_CREDENTIALS.autotask.integrationCode,
      username: FAKE_CREDENTIALS.autotask.username,
      secret: FAKE_CREDENTIALS.autotask.secret,
    });
  });

  it("accepts the discovery URL as the default, a bare host or a loopback URL", () => {
    expect(autotaskDiscoveryBase("https://webservices.autotask.net/atservicesrest")).toBe("https://webservices.autotask.net/atservicesrest");
    expect(autotaskDiscoveryBase("webservices.autotask.net")).toBe("https://webservices.autotask.net/atservicesrest");
    expect(autotaskDiscoveryBase("https://webservices.autotask.net/ATServicesRest/V1.0/")).toBe("https://webservices.autotask.net/ATServicesRest");
    expect(autotaskDiscoveryBase("http://127.0.0.1:4102")).toBe("http://127.0.0.1:4102/atservicesrest");
  });

  it("R-SEC-2: a wrong secret is a non-retryable auth error without the secret in it", async () => {
    const err = await psaError(createPsaClient("autotask", { ...fake.credentials, secret: "NotTheSecret-123" }, LOOPBACK).testConnection());
    expect(err).toMatchObject({ kind: "auth", status: 401, retryable: false });
    expect(err.message).toMatch(/check the credentials/i);
    expectNoSecrets(err, ["NotTheSecret-123", FAKE_CREDENTIALS.autotask.integrationCode]);
  });

  it("an unknown API username fails zone discovery as an auth error naming the username", async () => {
    const err = await psaError(createPsaClient("autotask", { ...fake.credentials, username: "nobody@fake-msp.example" }, LOOPBACK).testConnection());
    expect(err.kind).toBe("auth");
    expect(err.message).toContain("nobody@fake-msp.example");
    expect(err.vendorMessage).toContain("Zone information could not be determined");
  });

  it("pages companies with MaxRecords and follows pageDetails.nextPageUrl", async () => {
    const first = await client.listCompanies();
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toMatch(/\/zone3\/ATServicesRest\/V1\.0\/Companies\/query\/next\?paging=/);
    const second = await client.listCompanies({ cursor: first.nextCursor });
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeUndefined();
    const sent = fake.lastRequest((r) => r.path.includes("/Companies/query") && !r.path.endsWith("/next"));
    expect(JSON.parse(new URLSearchParams(sent?.query).get("search") ?? "{}")).toEqual({
      filter: [{ op: "eq", field: "isActive", value: true }],
      IncludeFields: ["id", "companyName"],
      MaxRecords: 100,
    });
    const all = await client.listAllCompanies();
    expect(all).toHaveLength(130);
    for (const name of FEATURED_COMPANY_NAMES) expect(all.map((c) => c.name)).toContain(name);
  });

  it("R-SEC-3: refuses a page cursor that points outside the zone (credentials ride in headers)", async () => {
    const err = await psaError(client.listCompanies({ cursor: "http://169.254.169.254/latest/meta-data?x=1" }));
    expect(err.kind).toBe("validation");
    expect(fake.countMatching("meta-data")).toBe(0);
  });

  it("passes the search to a contains filter on companyName", async () => {
    const page = await client.listCompanies({ search: "umbrella" });
    expect(page.items).toEqual([{ id: String(AT_COMPANY_ID_BASE + 3), name: "Umbrella Corp" }]);
  });

  it("fills picklists from entityInformation/fields (active only, sub-issue types by parent) and per-account queries", async () => {
    expect((await client.lookup("statuses")).map((s) => s.name)).toEqual(["New", "In Progress", "Waiting Customer", "Complete"]);
    expect((await client.lookup("queues")).find((q) => q.isDefault)?.name).toBe("Service Desk");
    expect((await client.lookup("subIssueTypes", { issueType: "12" })).map((s) => s.id)).toEqual(["204", "205", "206"]);
    expect((await client.lookup("issueTypes")).map((s) => s.name)).toEqual(["Security", "Network"]);
    expect(fake.countMatching("entityInformation/fields")).toBe(1); // picklists fetched once, then cached
    expect((await client.lookup("contracts", { companyId: ACME })).map((c) => c.name)).toEqual(["Managed Security - Acme Corp"]);
    expect((await client.lookup("contacts", { companyId: ACME })).length).toBe(2); // the third contact is inactive
    expect((await client.lookup("sites", { companyId: ACME })).find((s) => s.isDefault)?.name).toBe("Main Office");
    expect((await client.lookup("noteTypes")).length).toBe(3);
  });

  it("creates a ticket whose body validates against TicketModel, reference in externalID; answer is OperationResultModel", async () => {
    const d = draft({ companyId: ACME, priorityId: "1", contactId: "30000", siteId: "40000", fields: { ...DEFAULTS, contract: "29684000" } });
    const created = await client.createTicket(d);
    expect(created.id).toMatch(/^\d+$/);
    const stored = fake.tickets[0];
    expect(validateCreateTicketBody("autotask", stored.request).errors).toEqual([]);
    expect(stored.request).toMatchObject({ companyID: 500, queueID: 29683482, status: 1, priority: 1, externalID: d.reference, contractID: 29684000 });
    const post = fake.lastRequest((r) => r.method === "POST" && r.path.endsWith("/Tickets"));
    const answer = JSON.parse(post?.response?.body ?? "null");
    expect(answer).toEqual({ itemId: Number(created.id) });
    expect(validateAgainstVendorSchema("autotask", "/definitions/OperationResultModel", answer).errors).toEqual([]);
  });

  it("R-REL-2: finds an existing ticket by reference with an externalID query", async () => {
    const d = draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS });
    const created = await client.createTicket(d);
    const found = await client.findTicketByReference(d.reference, ACME);
    expect(found?.id).toBe(created.id);
    expect(found?.number).toMatch(/^T\d{8}\.\d{4}$/);
    expect(await client.findTicketByReference(newReference())).toBeNull();
    const sent = fake.lastRequest((r) => r.path.includes("/Tickets/query"));
    expect(JSON.parse(new URLSearchParams(sent?.query).get("search") ?? "{}").filter).toEqual([
      { op: "eq", field: "externalID", value: expect.stringMatching(/^sb:/) },
    ]);
  });

  it("R-REL-2: after a connection dropped post-processing, search-before-retry finds the ticket", async () => {
    const d = draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS });
    await client.testConnection(); // zone discovered first, so the fault hits the create
    fake.failNext(1, "drop_after", { method: "POST", path: "/tickets" });
    expect(await psaError(client.createTicket(d))).toMatchObject({ kind: "network", retryable: true });
    expect((await client.findTicketByReference(d.reference, ACME))?.id).toBe(String(fake.tickets[0].id));
  });

  it("R-REL-3: 429 is retryable with Retry-After; 500 without a business rule is retryable", async () => {
    await client.testConnection();
    fake.setFaults({ retryAfterSeconds: 30 });
    fake.failNext(1, "rate_limit", { method: "POST" });
    expect(await psaError(client.createTicket(draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS })))).toMatchObject({
      kind: "rate_limited",
      retryable: true,
      retryAfterMs: 30_000,
    });
    fake.failNext(1, "server_error", { method: "POST" });
    expect(await psaError(client.createTicket(draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS })))).toMatchObject({
      kind: "server",
      retryable: true,
    });
  });

  it("R-REL-3: the queue-or-resource business rule (HTTP 500 + errors[]) is not retryable and shown verbatim", async () => {
    const err = await psaError(client.createTicket(draft({ companyId: ACME, priorityId: "2", fields: { status: "1" } })));
    expect(err.status).toBe(500);
    expect(err.kind).toBe("validation");
    expect(err.retryable).toBe(false);
    expect(err.vendorMessage).toBe(
      "AssignedResourceID, AssignedResourceRoleID and QueueID cannot all be empty. Supply a QueueID or both an AssignedResourceID and an AssignedResourceRoleID.",
    );
    expect(err.message).toContain(err.vendorMessage);
  });

  it("R-REL-3: Autotask's thread-limit text is treated as rate limiting (retryable)", async () => {
    // Simulated on the wire as Autotask words it; the fake's 500 fault body is replaced for this one call.
    await client.testConnection();
    const original = (fake as unknown as { faultBody: (s: number, m: string) => unknown }).faultBody;
    (fake as unknown as { faultBody: (s: number, m: string) => unknown }).faultBody = () => ({
      errors: ["Itgenatr005: The thread threshold for this endpoint has been exceeded."],
    });
    try {
      fake.failNext(1, "server_error", { method: "POST" });
      expect(await psaError(client.createTicket(draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS })))).toMatchObject({
        kind: "rate_limited",
        retryable: true,
      });
    } finally {
      (fake as unknown as { faultBody: (s: number, m: string) => unknown }).faultBody = original;
    }
  });

  it("adds a note with the picklist defaults when none are configured", async () => {
    const created = await client.createTicket(draft({ companyId: ACME, priorityId: "2", fields: DEFAULTS }));
    await client.addNote(created.id, "Repeat detection at 10:45Z\nsecond line");
    const sent = JSON.parse(fake.lastRequest((r) => r.path.endsWith("/Notes"))?.body ?? "{}");
    expect(sent).toMatchObject({ title: "Repeat detection at 10:45Z", noteType: 3, publish: 1 });
    expect(validateAgainstVendorSchema("autotask", "/definitions/TicketNoteModel", sent).errors).toEqual([]);
    expect(fake.tickets[0].notes).toEqual(["Repeat detection at 10:45Z\nsecond line"]);
  });
});
