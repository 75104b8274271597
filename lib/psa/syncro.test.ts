import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAKE_CREDENTIALS, FakeSyncro, FEATURED_COMPANY_NAMES, SYNCRO_CUSTOMER_ID_BASE } from "./fakes";
import { createPsaClient } from "./index";
import { outboundFetch } from "@/lib/http/outbound";
import { SyncroClient } from "./syncro";
import { draft, expectNoSecrets, LOOPBACK, newReference, psaError } from "./testing/fixtures";
import { loadVendorDocument, precompileVendorSchema, resolvePointer, validateAgainstVendorSchema, validateCreateTicketBody } from "./testing/vendor-schema";
import { syncroApiBase } from "./url";

const fake = new FakeSyncro();
const ACME = String(SYNCRO_CUSTOMER_ID_BASE);
let client: SyncroClient;

beforeAll(async () => {
  await fake.start();
  client = createPsaClient("syncro", fake.credentials, LOOPBACK) as SyncroClient;
  precompileVendorSchema("syncro");
}, 60_000);
afterAll(() => fake.stop());
afterEach(() => fake.reset());

/** Syncro's document has examples, not schemas, for answers: compare against the example's keys. */
function exampleTicketKeys(): Set<string> {
  const doc = loadVendorDocument("syncro");
  const created = resolvePointer(doc, "/paths/~1tickets/post/responses/200/content/application~1json/example/ticket") as object;
  const listed = (resolvePointer(doc, "/paths/~1tickets/get/responses/200/content/application~1json/example/tickets") as object[])[0];
  return new Set([...Object.keys(created), ...Object.keys(listed)]);
}

describe("Syncro adapter against the fake", () => {
  it("R-SEC-2: sends the API token as Authorization: Bearer with Content-Type application/json", async () => {
    const { detail } = await client.testConnection();
    expect(detail).toMatch(/Connected to Syncro at 127\.0\.0\.1:\d+; 8 ticket statuses\./);
    const seen = fake.lastRequest((r) => r.path === "/api/v1/tickets/settings");
    expect(seen?.headers.authorization).toBe(`Bearer ${FAKE_CREDENTIALS.syncro.apiToken}`);
    expect(seen?.headers["content-type"]).toBe("application/json");
    expect(seen?.query).not.toContain("api_key"); // the token never travels in the URL
  });

  it("builds the base URL from a subdomain or a full URL", () => {
    expect(syncroApiBase("acme")).toBe("https://acme.syncromsp.com/api/v1");
    expect(syncroApiBase("acme.syncromsp.com")).toBe("https://acme.syncromsp.com/api/v1");
    expect(syncroApiBase("http://127.0.0.1:4105")).toBe("http://127.0.0.1:4105/api/v1");
    expect(syncroApiBase("http://127.0.0.1:4105/api/v1/")).toBe("http://127.0.0.1:4105/api/v1");
  });

  it("R-SEC-2: a wrong token is a non-retryable auth error with Syncro's text and no token", async () => {
    const err = await psaError(createPsaClient("syncro", { ...fake.credentials, apiToken: "T-wrong-token-0000" }, LOOPBACK).testConnection());
    expect(err).toMatchObject({ kind: "auth", status: 401, retryable: false });
    expect(err.vendorMessage).toBe("Not authorized. Please ask account admin to update your group permissions.");
    expectNoSecrets(err, ["T-wrong-token-0000", FAKE_CREDENTIALS.syncro.apiToken]);
  });

  it("the fake answers a POST without Content-Type: application/json with Syncro's HTML 400", async () => {
    const res = await outboundFetch(`${fake.url}/api/v1/tickets`, {
      method: "POST",
      headers: { Authorization: `Bearer ${FAKE_CREDENTIALS.syncro.apiToken}`, "Content-Type": "text/plain" },
      body: "{}",
      allowPrivate: ["127.0.0.1"],
    });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
  });

  it("pages customers with page=N and meta.total_pages; search goes to ?query=", async () => {
    const first = await client.listCompanies();
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toBe("2");
    const second = await client.listCompanies({ cursor: "2" });
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeUndefined();
    const all = await client.listAllCompanies();
    expect(all).toHaveLength(130);
    for (const name of FEATURED_COMPANY_NAMES) expect(all.map((x) => x.name)).toContain(name);
    expect((await client.listCompanies({ search: "Globex" })).items).toEqual([{ id: String(SYNCRO_CUSTOMER_ID_BASE + 1), name: "Globex Corporation" }]);
  });

  it("fills problem types and priorities (/settings), statuses (/tickets/settings) and contacts", async () => {
    expect((await client.lookup("problemTypes")).map((p) => p.id)).toContain("Security");
    expect((await client.lookup("priorities")).map((p) => p.id)).toEqual(["0 Urgent", "1 High", "2 Normal", "3 Low"]);
    expect((await client.lookup("statuses"))[0]).toEqual({ id: "New", name: "New" });
    expect((await client.lookup("contacts", { companyId: ACME })).length).toBe(3);
  });

  it("creates a ticket whose body validates against the vendor's Ticket request body; the answer has the example's shape", async () => {
    const d = draft({ companyId: ACME, contactId: "991000", priorityId: "1 High", fields: { problemType: "Security", status: "New" } });
    const created = await client.createTicket(d);
    expect(created.number).toBe("10400");
    const post = fake.lastRequest((r) => r.method === "POST" && r.path === "/api/v1/tickets");
    const sent = JSON.parse(post?.body ?? "{}");
    expect(validateCreateTicketBody("syncro", sent).errors).toEqual([]);
    expect(sent).toMatchObject({ customer_id: Number(ACME), contact_id: 991000, problem_type: "Security", status: "New", priority: "1 High" });
    expect(sent.subject).toBe(`${d.title} [${d.reference}]`);
    expect(sent.comments_attributes).toEqual([{ subject: "Alert details", body: d.body, hidden: true, do_not_email: true }]);
    const answer = JSON.parse(post?.response?.body ?? "{}");
    const known = exampleTicketKeys();
    expect(Object.keys(answer.ticket).filter((k) => !known.has(k))).toEqual([]);
  });

  it("R-REL-2: finds an existing ticket by the subject token with ?query=", async () => {
    const d = draft({ companyId: ACME });
    const created = await client.createTicket(d);
    expect(await client.findTicketByReference(d.reference, ACME)).toEqual(created);
    expect(await client.findTicketByReference(newReference(), ACME)).toBeNull();
    const q = new URLSearchParams(fake.lastRequest((r) => r.method === "GET" && r.path === "/api/v1/tickets")?.query);
    expect(q.get("query")).toMatch(/^sb:[0-9a-f-]+$/);
    expect(q.get("customer_id")).toBe(ACME);
  });

  it("R-REL-2: a create dropped after processing is found by reference", async () => {
    const d = draft({ companyId: ACME });
    fake.failNext(1, "drop_after", { method: "POST", path: "/api/v1/tickets" });
    expect(await psaError(client.createTicket(d))).toMatchObject({ kind: "network", retryable: true });
    expect((await client.findTicketByReference(d.reference, ACME))?.id).toBe(String(fake.tickets[0].id));
  });

  it("R-REL-3: 422 is not retryable and shows Syncro's errors verbatim", async () => {
    const missing = await psaError(client.createTicket(draft({ companyId: "1" })));
    expect(missing).toMatchObject({ kind: "validation", status: 422, retryable: false, vendorMessage: "Customer required field" });
    const status = await psaError(client.createTicket(draft({ companyId: ACME, fields: { status: "Exploded" } })));
    expect(status.vendorMessage).toBe("status is not included in the list");
  });

  it("R-REL-3: 429 is retryable with Retry-After; 500 is retryable", async () => {
    fake.setFaults({ retryAfterSeconds: 60 });
    fake.failNext(1, "rate_limit");
    expect(await psaError(client.createTicket(draft({ companyId: ACME })))).toMatchObject({ kind: "rate_limited", retryable: true, retryAfterMs: 60_000 });
    fake.failNext(1, "server_error");
    expect(await psaError(client.createTicket(draft({ companyId: ACME })))).toMatchObject({ kind: "server", retryable: true });
  });

  it("adds a hidden comment", async () => {
    const created = await client.createTicket(draft({ companyId: ACME }));
    await client.addNote(created.id, "Repeat detection at 10:45Z");
    const sent = JSON.parse(fake.lastRequest((r) => r.path.endsWith("/comment"))?.body ?? "{}");
    expect(sent).toEqual({ subject: "Update", body: "Repeat detection at 10:45Z", hidden: true, do_not_email: true });
    expect(validateAgainstVendorSchema("syncro", "/paths/~1tickets~1{id}~1comment/post/requestBody/content/application~1json/schema", sent).errors).toEqual([]);
    expect(fake.tickets[0].notes).toEqual(["Repeat detection at 10:45Z"]);
  });
});
