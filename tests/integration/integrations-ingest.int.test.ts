import { describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { db } from "@/db";
import { connectionMappings, telemetryEvents } from "@/db/schema";
import { POST } from "@/app/api/v1/telemetry/[connectionId]/route";
import { createApplication, createIntegration, rotateIngestToken, setConnectionEnabled } from "@/lib/integrations/connections";
import { listConnectionSources, setSourceMapping } from "@/lib/integrations/mappings";
import { TELEMETRY_MAX_BODY_BYTES } from "@/lib/validations/integrations";
import { DATTO_CREDENTIALS, organization, partnerWithAdmin } from "./integrations-fixtures";

function post(connectionId: string, token: string | null, body: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return POST(
    new Request(`http://localhost/api/v1/telemetry/${connectionId}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: raw,
    }),
    { params: Promise.resolve({ connectionId }) },
  );
}

const ev = (source_id: string, n = 0, extra: Record<string, unknown> = {}) => ({ source_id, payload: { n, kind: "process_start" }, ...extra });

async function datto() {
  const { admin, partnerId } = await partnerWithAdmin(`Ingest ${Math.random().toString(36).slice(2, 7)}`);
  const acme = await organization(admin, "Acme");
  const globex = await organization(admin, "Globex");
  const initech = await organization(admin, "Initech");
  const created = await createIntegration(admin, {
    organizationId: acme,
    appType: "datto_rmm",
    credentials: DATTO_CREDENTIALS,
    mappings: [
      { externalSourceId: "site-globex", externalSourceName: "Globex HQ", organizationId: globex },
      { externalSourceId: "site-initech", externalSourceName: "Initech", organizationId: initech },
    ],
    acknowledgeDuplicate: false,
  });
  return { admin, partnerId, acme, globex, initech, connectionId: created.connectionId, token: created.ingestToken };
}

describe("telemetry routing (POST /api/v1/telemetry/{connectionId})", () => {
  it("R-INT-5: mapped telemetry goes to the mapped organization, unmapped to the selected organization, in one batch", async () => {
    const t = await datto();
    const res = await post(t.connectionId, t.token, {
      events: [
        ev("site-globex", 1),
        ev("site-initech", 2, { occurred_at: "2025-03-01T10:00:00+02:00" }),
        ev("site-globex", 3),
        ev("site-unknown", 4, { source_name: "Branch office" }),
        ev("site-unknown", 5),
      ],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.stored).toBe(5);
    expect(body.rejected).toEqual([]);
    expect(body.organizations.map((o: { organization_name: string; stored: number }) => [o.organization_name, o.stored])).toEqual([
      ["Acme", 2],
      ["Globex", 2],
      ["Initech", 1],
    ]);
    const stored = await db.select().from(telemetryEvents).where(eq(telemetryEvents.connectionId, t.connectionId)).orderBy(asc(telemetryEvents.id));
    expect(stored.map((e) => [e.externalSourceId, e.organizationId])).toEqual([
      ["site-globex", t.globex],
      ["site-initech", t.initech],
      ["site-globex", t.globex],
      ["site-unknown", t.acme],
      ["site-unknown", t.acme],
    ]);
    expect(stored.every((e) => e.partnerId === t.partnerId)).toBe(true);
    expect(stored[1].occurredAt?.toISOString()).toBe("2025-03-01T08:00:00.000Z");
    expect(stored[0].payload).toEqual({ n: 1, kind: "process_start" });

    // The unknown site is now listed as seen and unmapped, with the name the source gave it.
    const sources = await listConnectionSources(t.admin, t.connectionId);
    expect(sources.unmapped).toBe(1);
    expect(sources.rows[0]).toMatchObject({ externalSourceId: "site-unknown", externalSourceName: "Branch office", organizationId: null });
    expect(sources.rows[0].lastSeenAt).toBeInstanceOf(Date);
  });

  it("R-INT-5: mapping a seen source routes new events there; events already stored stay put", async () => {
    const t = await datto();
    await post(t.connectionId, t.token, { events: [ev("site-new", 1)] });
    await setSourceMapping(t.admin, { connectionId: t.connectionId, externalSourceId: "site-new", organizationId: t.initech, note: "found its owner" });
    const res = await post(t.connectionId, t.token, { events: [ev("site-new", 2)] });
    expect((await res.json()).organizations).toEqual([expect.objectContaining({ organization_id: t.initech, stored: 1 })]);
    const rows = await db.select().from(telemetryEvents).where(eq(telemetryEvents.connectionId, t.connectionId)).orderBy(asc(telemetryEvents.id));
    expect(rows.map((r) => r.organizationId)).toEqual([t.acme, t.initech]);
  });

  it("R-INT-5: telemetry never lands in another partner's organization, even if a mapping row points there", async () => {
    const t = await datto();
    const { admin: otherAdmin } = await partnerWithAdmin("Elsewhere MSP");
    const foreignOrg = await organization(otherAdmin, "Foreign Co");
    // Corrupt the mapping directly in the database (lib/ refuses this: the organization is not the partner's).
    await expect(setSourceMapping(t.admin, { connectionId: t.connectionId, externalSourceId: "site-x", organizationId: foreignOrg })).rejects.toThrow(/not found/);
    await db.insert(connectionMappings).values({ connectionId: t.connectionId, externalSourceId: "site-x", organizationId: foreignOrg });
    const res = await post(t.connectionId, t.token, { events: [ev("site-x", 1)] });
    expect((await res.json()).organizations).toEqual([{ organization_id: t.acme, organization_name: "Acme", stored: 1 }]);
    const [row] = await db.select().from(telemetryEvents).where(eq(telemetryEvents.connectionId, t.connectionId));
    expect(row.organizationId).toBe(t.acme);
    expect(await db.select().from(telemetryEvents).where(eq(telemetryEvents.organizationId, foreignOrg))).toEqual([]);
  });

  it("R-SEC-5: bad events are rejected one by one with index and reason; good ones are stored", async () => {
    const t = await datto();
    const res = await post(t.connectionId, t.token, {
      events: [ev("site-globex", 1), { payload: {} }, { source_id: "s", payload: [1, 2] }, ev("s", 2, { occurred_at: "yesterday" }), "nope", ev("site-globex", 3)],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.stored).toBe(2);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4]);
    expect(body.rejected[0].message).toMatch(/source_id/);
    expect(body.rejected[1].message).toMatch(/payload/);
    expect(body.rejected[2].message).toMatch(/occurred_at/);
    const all = await post(t.connectionId, t.token, { events: [{ payload: {} }] });
    expect(all.status).toBe(422);
    expect((await all.json()).stored).toBe(0);
  });

  it("R-SEC-5: wrong token 401, bad JSON 400, too many events 400, oversized body 413 — nothing stored", async () => {
    const t = await datto();
    expect((await post(t.connectionId, null, { events: [ev("a")] })).status).toBe(401);
    expect((await post(t.connectionId, `${t.token.slice(0, -1)}x`, { events: [ev("a")] })).status).toBe(401);
    expect((await post("00000000-0000-4000-8000-000000000000", t.token, { events: [ev("a")] })).status).toBe(401);
    expect((await post("not-a-uuid", t.token, { events: [ev("a")] })).status).toBe(401);
    const bad = await post(t.connectionId, t.token, "{not json");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/not valid JSON/);
    expect((await post(t.connectionId, t.token, { events: [] })).status).toBe(400);
    expect((await post(t.connectionId, t.token, [ev("a")])).status).toBe(400);
    expect((await post(t.connectionId, t.token, { events: Array.from({ length: 1001 }, (_, i) => ev("a", i)) })).status).toBe(400);
    const huge = JSON.stringify({ events: [ev("a", 0, { payload: { blob: "x".repeat(TELEMETRY_MAX_BODY_BYTES) } })] });
    expect((await post(t.connectionId, t.token, huge)).status).toBe(413);
    expect((await post(t.connectionId, t.token, huge, { "content-length": String(huge.length) })).status).toBe(413);
    expect((await post(t.connectionId, t.token, { events: [ev("a")] }, { "content-type": "text/plain" })).status).toBe(415);
    expect(await db.select().from(telemetryEvents).where(eq(telemetryEvents.connectionId, t.connectionId))).toEqual([]);
  });

  it("ingest tokens: rotation stops the old token; a disabled connection answers 403, one awaiting consent 409", async () => {
    const t = await datto();
    const { token } = await rotateIngestToken(t.admin, { connectionId: t.connectionId, note: "leaked in a ticket" });
    expect((await post(t.connectionId, t.token, { events: [ev("a")] })).status).toBe(401);
    expect((await post(t.connectionId, token, { events: [ev("a")] })).status).toBe(200);
    await setConnectionEnabled(t.admin, { connectionId: t.connectionId, enabled: false });
    expect((await post(t.connectionId, token, { events: [ev("a")] })).status).toBe(403);
    const pending = await createApplication(t.admin, { organizationId: t.globex, appType: "okta", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    expect(pending.status).toBe("pending");
    expect((await post(pending.connectionId, pending.ingestToken, { events: [ev("a")] })).status).toBe(409);
  });
});
