import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPsaClient } from "./index";
import { FakeConnectWise, CW_COMPANY_ID_BASE, FAKE_CREDENTIALS, FEATURED_COMPANY_NAMES } from "./fakes";
import { connectwiseApiBase } from "./url";
import { draft, expectNoSecrets, LOOPBACK, newReference, psaError } from "./testing/fixtures";
import { precompileVendorSchema, validateAgainstVendorSchema, validateCreateTicketBody } from "./testing/vendor-schema";
import { ConnectWiseClient } from "./connectwise";

const fake = new FakeConnectWise();
let client: ConnectWiseClient;
const ACME = String(CW_COMPANY_ID_BASE); // seed index 0 is "Acme Corp"

beforeAll(async () => {
  await fake.start();
  client = createPsaClient("connectwise", fake.credentials, LOOPBACK) as ConnectWiseClient;
  precompileVendorSchema("connectwise");
}, 60_000);
afterAll(() => fake.stop());
afterEach(() => fake.reset());

const SECURITY_BOARD = { board: "12", status: "1100", type: "1040", subType: "1300", item: "1009", team: "1025", source: "6" };

describe("ConnectWise PSA adapter against the fake", () => {
  it("R-SEC-2: authenticates with Basic company+public:private and the clientId header", async () => {
    const { detail } = await client.testConnection();
    expect(detail).toMatch(/Connected to ConnectWise PSA/);
    const seen = fake.lastRequest((r) => r.path.endsWith("/system/info"));
    const c = FAKE_CREDENTIALS.connectwise;
    expect(seen?.path).toBe("/v4_6_release/apis/3.0/system/info");
    expect(seen?.headers.authorization).toBe(`Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString("base64")}`);
    expect(seen?.headers.clientid).toBe(c.clientId);
    // The test call also proves Table Setup access by reading a board.
    expect(fake.count("GET", "/v4_6_release/apis/3.0/service/boards")).toBe(1);
  });

  it("R-SEC-2: wrong keys give a non-retryable auth error that asks to check credentials and leaks no secret", async () => {
    const wrong = { ...fake.credentials, privateKey: "WrongPrivateKey-0000" };
    const err = await psaError(createPsaClient("connectwise", wrong, LOOPBACK).testConnection());
    expect(err.kind).toBe("auth");
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/check the credentials/i);
    expect(err.vendorMessage).toBe("Username or password is incorrect.");
    const c = FAKE_CREDENTIALS.connectwise;
    expectNoSecrets(err, ["WrongPrivateKey-0000", Buffer.from(`${c.companyId}+${c.publicKey}:WrongPrivateKey-0000`).toString("base64")]);
  });

  it("accepts the site with or without the API path, keeping an explicit scheme", () => {
    expect(connectwiseApiBase("api-na.myconnectwise.net")).toBe("https://api-na.myconnectwise.net/v4_6_release/apis/3.0");
    expect(connectwiseApiBase("https://cw.example.com/v2025_1")).toBe("https://cw.example.com/v2025_1/apis/3.0");
    expect(connectwiseApiBase("https://cw.example.com/v4_6_release/apis/3.0/")).toBe("https://cw.example.com/v4_6_release/apis/3.0");
    expect(connectwiseApiBase("http://127.0.0.1:4101")).toBe("http://127.0.0.1:4101/v4_6_release/apis/3.0");
  });

  it("pages through companies with page/pageSize and the Link header", async () => {
    const first = await client.listCompanies();
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toBe("2");
    const second = await client.listCompanies({ cursor: first.nextCursor });
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeUndefined();
    const all = await client.listAllCompanies();
    expect(all).toHaveLength(130);
    const names = all.map((c) => c.name);
    for (const name of FEATURED_COMPANY_NAMES) expect(names).toContain(name);
    // deletedFlag=false is honoured.
    expect(names).not.toContain("Deleted Customer Inc");
  });

  it("passes the search to the conditions filter", async () => {
    const page = await client.listCompanies({ search: "glob" });
    expect(page.items).toEqual([{ id: String(CW_COMPANY_ID_BASE + 1), name: "Globex Corporation" }]);
    const sent = fake.lastRequest((r) => r.path.endsWith("/company/companies"));
    expect(new URLSearchParams(sent?.query).get("conditions")).toBe('deletedFlag=false and name like "%glob%"');
  });

  it("fills board-scoped look-ups and per-company lists", async () => {
    const boards = await client.lookup("boards");
    expect(boards.map((b) => b.name)).toEqual(["Alerts", "Security Operations", "Service Desk"]);
    const statuses = await client.lookup("statuses", { board: "12" });
    expect(statuses.map((s) => s.name)).toEqual(["New", "In Progress", "Waiting on Customer", "Resolved", ">Closed"]);
    expect(statuses[0].isDefault).toBe(true);
    expect((await client.lookup("subtypes", { board: "12" })).length).toBe(3);
    expect((await client.lookup("priorities"))[0].name).toBe("Priority 1 - Emergency Response");
    expect((await client.lookup("agreements", { companyId: ACME })).map((a) => a.name)).toEqual(["Managed Security - Acme Corp"]);
    expect((await client.lookup("contacts", { companyId: ACME })).length).toBe(3);
    expect((await client.lookup("sites", { companyId: ACME })).map((s) => s.name)).toEqual(["Branch Office", "Main Office"]);
    const missing = await psaError(client.lookup("statuses"));
    expect(missing.kind).toBe("validation");
    expect((await psaError(client.lookup("nonsense"))).kind).toBe("validation");
  });

  it("creates a ticket whose body validates against the vendor's Ticket schema, reference in externalXRef", async () => {
    const d = draft({
      companyId: ACME,
      contactId: String(CW_COMPANY_ID_BASE * 10),
      siteId: String(CW_COMPANY_ID_BASE * 10),
      priorityId: "2",
      fields: { ...SECURITY_BOARD, agreement: "7000" },
      title: `CRITICAL - ${"Credential theft detected on a domain controller ".repeat(4)}`,
    });
    const created = await client.createTicket(d);
    expect(created.id).toMatch(/^\d+$/);
    const stored = fake.tickets[0];
    const result = validateCreateTicketBody("connectwise", stored.request);
    expect(result.errors).toEqual([]);
    expect(stored.request.externalXRef).toBe(d.reference);
    expect(String(stored.request.summary).length).toBeLessThanOrEqual(100);
    expect(stored.request.board).toEqual({ id: 12 });
    expect(stored.request.initialDescription).toBe(d.body);
    // The fake's 201 answer has the vendor's Ticket shape too.
    const answer = fake.lastRequest((r) => r.method === "POST" && r.path.endsWith("/service/tickets"))?.response;
    expect(answer?.status).toBe(201);
    expect(validateAgainstVendorSchema("connectwise", "/components/schemas/Ticket", JSON.parse(answer?.body ?? "null")).errors).toEqual([]);
  });

  it("R-REL-2: finds an existing ticket by reference (externalXRef condition), and null when there is none", async () => {
    const d = draft({ companyId: ACME, fields: { board: "12" } });
    const created = await client.createTicket(d);
    expect(await client.findTicketByReference(d.reference, ACME)).toEqual(created);
    expect(await client.findTicketByReference(d.reference)).toEqual(created);
    expect(await client.findTicketByReference(newReference(), ACME)).toBeNull();
    const sent = fake.lastRequest((r) => r.path.endsWith("/service/tickets") && r.method === "GET");
    expect(new URLSearchParams(sent?.query).get("conditions")).toMatch(new RegExp(`^externalXRef="sb:[0-9a-f-]+" and company/id=${ACME}$`));
  });

  it("R-REL-2: a create whose connection dropped after processing is found by reference, not duplicated", async () => {
    const d = draft({ companyId: ACME, fields: { board: "12" } });
    fake.failNext(1, "drop_after", { method: "POST", path: "/service/tickets" });
    const err = await psaError(client.createTicket(d));
    expect(err.kind).toBe("network");
    expect(err.retryable).toBe(true);
    expect(fake.tickets).toHaveLength(1); // it was created
    const found = await client.findTicketByReference(d.reference, ACME);
    expect(found?.id).toBe(String(fake.tickets[0].id));
  });

  it("R-REL-3: 429 is retryable with Retry-After", async () => {
    fake.setFaults({ retryAfterSeconds: 7 });
    fake.failNext(1, "rate_limit");
    const err = await psaError(client.createTicket(draft({ companyId: ACME })));
    expect(err).toMatchObject({ kind: "rate_limited", status: 429, retryable: true, retryAfterMs: 7000 });
    expect(fake.tickets).toHaveLength(0);
  });

  it("R-REL-3: 500 and dropped connections are retryable; a slow PSA times out as retryable", async () => {
    fake.failNext(1, "server_error");
    expect(await psaError(client.createTicket(draft({ companyId: ACME })))).toMatchObject({ kind: "server", retryable: true, status: 500 });
    fake.failNext(1, "drop_before");
    expect(await psaError(client.createTicket(draft({ companyId: ACME })))).toMatchObject({ kind: "network", retryable: true });
    fake.setFaults({ delayMs: 400 });
    fake.failNext(1, "slow");
    const slow = createPsaClient("connectwise", fake.credentials, { ...LOOPBACK, timeoutMs: 100 });
    expect(await psaError(slow.createTicket(draft({ companyId: ACME })))).toMatchObject({ kind: "timeout", retryable: true });
  });

  it("R-REL-3: a validation failure is not retryable and surfaces ConnectWise's message and errors[].message verbatim", async () => {
    const err = await psaError(client.createTicket(draft({ companyId: ACME, fields: { board: "12", type: "1040", subType: "1302" } })));
    expect(err.kind).toBe("validation");
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(400);
    expect(err.vendorMessage).toBe("ticket object is invalid: Subtype 1302 is not linked to type 1040.");
    expect(err.message).toContain("Subtype 1302 is not linked to type 1040.");
  });

  it("adds an internal note", async () => {
    const created = await client.createTicket(draft({ companyId: ACME }));
    await client.addNote(created.id, "Repeat detection at 10:45Z");
    expect(fake.tickets[0].notes).toEqual(["Repeat detection at 10:45Z"]);
    const sent = JSON.parse(fake.lastRequest((r) => r.path.endsWith("/notes"))?.body ?? "{}");
    expect(sent).toMatchObject({ internalAnalysisFlag: true, detailDescriptionFlag: false });
    expect(validateAgainstVendorSchema("connectwise", "/components/schemas/ServiceNote", sent).errors).toEqual([]);
  });
});
