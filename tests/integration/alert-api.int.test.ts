/**
 * The alert API contract, calling the route handlers as Next.js does: API-key auth, field errors,
 * size limit, unknown organization, Idempotency-Key, GET with delivery states; and the OpenAPI
 * document generated from the same schema.
 */
import { describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { db } from "@/db";
import { alerts } from "@/db/schema";
import { createApiKey } from "@/lib/auth/api-keys";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { POST } from "@/app/api/v1/alerts/route";
import { GET } from "@/app/api/v1/alerts/[id]/route";
import { addGlobalRecipient, makeOrganization, makePartner } from "../support/fixtures";

function post(body: unknown, headers: Record<string, string> = {}) {
  return POST(
    new Request("http://localhost/api/v1/alerts", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

async function setup() {
  const { partnerId, viewer } = await makePartner();
  const org = await makeOrganization(viewer, "Acme Corp", { externalRef: "ACME" });
  await addGlobalRecipient(partnerId, "soc@msp.test");
  const { key } = await createApiKey(viewer, { name: "pipeline" });
  return { partnerId, viewer, org, auth: { authorization: `Bearer ${key}` } };
}

const valid = { priority: "high", title: "Ransomware behaviour", summary: "Mass renames" };

describe("alert API", () => {
  it("R-DEL-1, R-REL-1: a valid alert is accepted (202) with its plan; GET returns it with delivery states", async () => {
    const { org, auth } = await setup();
    const res = await post({ ...valid, organizationRef: "ACME" }, auth);
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ organizationId: org.id, duplicate: false, plan: { planned: 1, skipped: 0 } });
    const got = await GET(new Request(`http://localhost/api/v1/alerts/${body.alertId}`, { headers: auth }), {
      params: Promise.resolve({ id: body.alertId }),
    });
    expect(got.status).toBe(200);
    const detail = await got.json();
    expect(detail.alert.title).toBe(valid.title);
    expect(detail.deliveries).toEqual([expect.objectContaining({ channel: "email", target: "soc@msp.test", status: "planned", rule: "R-DEL-5" })]);
  });

  it("R-SEC-5: bad input gets a 4xx naming each bad field and stores nothing", async () => {
    const { partnerId, org, auth } = await setup();
    const bad = await post({ organizationId: org.id, priority: "urgent", title: "", extra: 1 }, auth);
    expect(bad.status).toBe(400);
    const b = await bad.json();
    expect(Object.keys(b.fields).sort()).toEqual(expect.arrayContaining(["priority", "title", "summary"]));
    expect((await post("{not json", auth)).status).toBe(400);
    expect((await post({ ...valid, organizationId: crypto.randomUUID() }, auth)).status).toBe(422);
    expect((await post({ ...valid, organizationId: org.id, summary: "x".repeat(600 * 1024) }, auth)).status).toBe(413);
    expect((await post({ ...valid, organizationId: org.id }, { ...auth, "idempotency-key": "has space" })).status).toBe(400);
    const [{ n }] = await db.select({ n: count() }).from(alerts).where(eq(alerts.partnerId, partnerId));
    expect(n).toBe(0);
  });

  it("R-SEC-1: a wrong or missing key is 401; another partner's alert or organization is not found", async () => {
    const a = await setup();
    const b = await setup();
    expect((await post({ ...valid, organizationId: a.org.id })).status).toBe(401);
    expect((await post({ ...valid, organizationId: a.org.id }, { authorization: "Bearer sbk_nope" })).status).toBe(401);
    // B's key cannot post into A's organization, nor read A's alert.
    expect((await post({ ...valid, organizationId: a.org.id }, b.auth)).status).toBe(422);
    const created = await (await post({ ...valid, organizationId: a.org.id }, a.auth)).json();
    const other = await GET(new Request(`http://localhost/api/v1/alerts/${created.alertId}`, { headers: b.auth }), {
      params: Promise.resolve({ id: created.alertId }),
    });
    expect(other.status).toBe(404);
  });

  it("Idempotency-Key: a retried POST returns the first alert (200, duplicate) instead of a second one", async () => {
    const { partnerId, org, auth } = await setup();
    const first = await (await post({ ...valid, organizationId: org.id }, { ...auth, "idempotency-key": "evt-42" })).json();
    const again = await post({ ...valid, organizationId: org.id }, { ...auth, "idempotency-key": "evt-42" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ alertId: first.alertId, duplicate: true });
    const [{ n }] = await db.select({ n: count() }).from(alerts).where(eq(alerts.partnerId, partnerId));
    expect(n).toBe(1);
  });

  it("the OpenAPI document is generated from the same schema that validates requests", () => {
    const doc = buildOpenApiDocument("http://localhost:3000") as unknown as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { required?: string[]; properties: Record<string, { enum?: string[] }> }> };
    };
    expect(Object.keys(doc.paths)).toEqual(["/api/v1/alerts", "/api/v1/alerts/{id}"]);
    const input = doc.components.schemas.AlertInput;
    expect(input.required).toEqual(expect.arrayContaining(["priority", "title", "summary"]));
    expect(input.properties.priority.enum).toEqual(["low", "medium", "high", "critical"]);
  });
});
