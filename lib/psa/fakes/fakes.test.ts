import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboundFetch } from "@/lib/http/outbound";
import { createPsaClient } from "../index";
import { draft, LOOPBACK, psaError } from "../testing/fixtures";
import { AT_COMPANY_ID_BASE, FAKE_VENDOR_ORDER, SEED_COMPANIES, startFakePsas, SYNCRO_CUSTOMER_ID_BASE, type FakePsas } from "./index";

let fakes: FakePsas;
beforeAll(async () => {
  fakes = await startFakePsas();
});
afterAll(() => fakes.stop());

const http = (url: string, init: { method?: string; body?: unknown } = {}) =>
  outboundFetch(url, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? {} : { "Content-Type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    allowPrivate: ["127.0.0.1"],
  });

describe("fake PSAs", () => {
  it("start all five on loopback, seeded with 130 customers including the auto-match names", () => {
    expect(fakes.all.map((f) => f.vendor)).toEqual(FAKE_VENDOR_ORDER);
    for (const f of fakes.all) expect(f.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(SEED_COMPANIES).toHaveLength(130);
    expect(SEED_COMPANIES.slice(0, 4).map((c) => c.name)).toEqual(["Acme Corp", "Globex Corporation", "Initech", "Umbrella Corp"]);
    expect(new Set(SEED_COMPANIES.map((c) => c.name)).size).toBe(130);
  });

  it("R-REL-2: faults and tickets are controllable over HTTP (for workers in other processes)", async () => {
    const syncro = fakes.syncro;
    syncro.reset();
    const set = await http(`${syncro.url}/__fake/faults`, { method: "POST", body: { failNext: { count: 1, kind: "drop_after", path: "/tickets", method: "POST" } } });
    expect(set.json()).toMatchObject({ pending: 1 });
    const client = createPsaClient("syncro", syncro.credentials, LOOPBACK);
    const d = draft({ companyId: String(SYNCRO_CUSTOMER_ID_BASE) });
    expect(await psaError(client.createTicket(d))).toMatchObject({ kind: "network" });

    const listed = (await http(`${syncro.url}/__fake/tickets`)).json<{ count: number; tickets: { title: string }[] }>();
    expect(listed.count).toBe(1);
    expect(listed.tickets[0].title).toContain(d.reference);
    const byRef = (await http(`${syncro.url}/__fake/tickets?reference=${encodeURIComponent(d.reference)}`)).json<{ tickets: unknown[] }>();
    expect(byRef.tickets).toHaveLength(1);
    expect((await http(`${syncro.url}/__fake/tickets?reference=sb:none`)).json<{ tickets: unknown[] }>().tickets).toHaveLength(0);
    const counts = (await http(`${syncro.url}/__fake/requests`)).json<{ counts: Record<string, number> }>().counts;
    expect(counts["POST /api/v1/tickets"]).toBe(1);

    await http(`${syncro.url}/__fake/faults`, { method: "POST", body: { rate: 1, kinds: ["rate_limit"], retryAfterSeconds: 9 } });
    expect(await psaError(client.testConnection())).toMatchObject({ kind: "rate_limited", retryAfterMs: 9000 });
    await http(`${syncro.url}/__fake/reset`, { method: "POST" });
    expect(syncro.tickets).toHaveLength(0);
    expect((await client.testConnection()).detail).toContain("Connected");
    expect((await http(`${syncro.url}/__fake/faults`, { method: "POST", body: { kinds: ["explode"] } })).status).toBe(400);
  });

  it("applies random faults at the configured rate, only to the configured paths", async () => {
    const at = fakes.autotask;
    at.reset();
    const client = createPsaClient("autotask", at.credentials, LOOPBACK);
    await client.testConnection();
    at.setFaults({ rate: 0.5, kinds: ["server_error"], paths: ["/Companies/"] });
    let failures = 0;
    for (let i = 0; i < 60; i++) {
      try {
        await client.listCompanies();
      } catch {
        failures += 1;
      }
    }
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(50);
    // Other paths are untouched.
    for (let i = 0; i < 10; i++) await client.testConnection();
    at.reset();
  });

  it("slow faults delay the answer but still process", async () => {
    const at = fakes.autotask;
    at.reset();
    const client = createPsaClient("autotask", at.credentials, LOOPBACK);
    await client.testConnection();
    at.setFaults({ delayMs: 150 });
    at.failNext(1, "slow", { method: "POST" });
    const started = Date.now();
    await client.createTicket(draft({ companyId: String(AT_COMPANY_ID_BASE), priorityId: "2", fields: { queue: "29683482", status: "1" } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(at.tickets).toHaveLength(1);
    at.reset();
  });

  it("handles a burst of 500 concurrent ticket creations without losing or duplicating one", async () => {
    const cw = fakes.connectwise;
    cw.reset();
    const client = createPsaClient("connectwise", cw.credentials, LOOPBACK);
    await Promise.all(Array.from({ length: 500 }, () => client.createTicket(draft({ companyId: "250", fields: { board: "12" } }))));
    expect(cw.tickets).toHaveLength(500);
    expect(new Set(cw.tickets.map((t) => t.id)).size).toBe(500);
    cw.reset();
  });

  it("serve fixed ports when asked (the demo script uses 4101-4105 by default)", async () => {
    // Other processes on this machine hold ports too: try a few random bases until five in a row are free.
    for (let attempt = 0; attempt < 10; attempt++) {
      const base = 20_000 + Math.floor(Math.random() * 40_000);
      let fixed: FakePsas;
      try {
        fixed = await startFakePsas({ basePort: base });
      } catch (err) {
        if ((err as { code?: string }).code === "EADDRINUSE") continue;
        throw err;
      }
      try {
        expect(fixed.all.map((f) => f.port)).toEqual([base, base + 1, base + 2, base + 3, base + 4]);
      } finally {
        await fixed.stop();
      }
      return;
    }
    throw new Error("no free block of five ports found");
  });
});
