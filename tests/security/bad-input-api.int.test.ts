/**
 * R-SEC-5 — bad input to every API endpoint and route handler, property-based (fast-check): 1,000 generated
 * requests per route (malformed JSON, bodies of the wrong type, one field made bad, huge bodies, unicode and
 * control characters, SQL / template / path injection in ids, queries and headers). For every request: never a
 * 5xx, a JSON or HTML answer with a message, and when refused nothing stored. The alert API's 400s name the
 * field that was made bad. Routes are discovered from app/**\/route.ts: one without a fuzz spec here fails.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { getSqlClient } from "@/db";
import { resetEnvCache } from "@/lib/env";
import type { FakePsas } from "@/lib/psa/fakes";
import { changeMark, changesSince, describeChanges, installChangeLog } from "./support/changes";
import { routeFiles } from "./support/discover";
import { callRoute } from "./support/harness";
import { INJECTIONS, mutationsOf, nastyString, nastyValue } from "./support/nasty";
import type { RouteProbe } from "./support/route-registry";
import { seedWorldWithFakes, sessionCookie, type World } from "./support/world";

vi.mock("next/headers", () => import("./support/request-context").then((m) => m.nextHeaders));

const RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 1000);

let fakes: FakePsas;
let world: World;
let cookie: string;
const sql = () => getSqlClient();

beforeAll(async () => {
  process.env.SWITCHBOARD_URL = "http://switchboard.test";
  resetEnvCache();
  ({ fakes, world } = await seedWorldWithFakes());
  cookie = await sessionCookie(world.a.admin.email);
  await installChangeLog(sql());
}, 120_000);

afterAll(async () => {
  await fakes?.stop();
});

type Req = { probe: RouteProbe; cookie?: string | null; headers?: Record<string, string>; rawBody?: string; mutated?: string[]; shape?: string };

/** A path segment for the request URL (the handler gets the raw value as its param). */
const pathSafe = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "x";
  }
};

/** What can travel in an HTTP header at all (a client cannot send other characters). */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff]/g, "").slice(0, 3000) || "x";

/** Path segments and query values an attacker sends. */
const segment = fc.oneof(nastyString.filter((s) => s.length < 2000), fc.uuid(), fc.constantFrom(...INJECTIONS));
const queryRecord = fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("organizationId", "search", "q", "cursor", "boardId", "__proto__")), segment, { maxKeys: 4 });

const malformedJson = fc.oneof(
  fc.string(),
  fc.constantFrom("{", "{\"a\":", "[", "nul", "{\"title\": \"x\",}", "\u0000", "{\"__proto__\": {\"polluted\": 1}}", "1e999999", "\"\\ud800\""),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

function alertSample() {
  return { organizationId: world.a.scopedOrg.id, priority: "high", title: "Fuzzed alert", summary: "fuzz", source: "fuzz", respondEvents: [], iocMatches: [] };
}

/** One generator per route handler: the requests a hostile or broken client sends it. */
const FUZZ: Record<string, () => fc.Arbitrary<Req>> = {
  "app/api/v1/alerts/route.ts": () =>
    fc.oneof(
      {
        weight: 1,
        arbitrary: fc
          .constantFrom("\u0000", "\ud800", "a\udfffb")
          .map((s) => ({ probe: { method: "POST" as const, path: "/api/v1/alerts", params: {}, body: { ...alertSample(), summary: s, respondEvents: [{ time: "2026-01-01T00:00:00Z", action: s, target: s, result: s }] } } })),
      },
      { weight: 6, arbitrary: mutationsOf(alertSample()).map((m) => ({ probe: { method: "POST" as const, path: "/api/v1/alerts", params: {}, body: m.input }, mutated: m.mutated, shape: m.shape })) },
      { weight: 2, arbitrary: malformedJson.map((raw) => ({ probe: { method: "POST" as const, path: "/api/v1/alerts", params: {} }, rawBody: raw })) },
      { weight: 1, arbitrary: segment.map((k) => ({ probe: { method: "POST" as const, path: "/api/v1/alerts", params: {}, body: alertSample() }, headers: { "idempotency-key": headerSafe(k) } })) },
      { weight: 1, arbitrary: fc.constantFrom(600_000, 2_000_000).map((n) => ({ probe: { method: "POST" as const, path: "/api/v1/alerts", params: {} }, rawBody: JSON.stringify({ ...alertSample(), summary: "S".repeat(n) }) })) },
    ).map((r: Req) => ({ ...r, headers: { authorization: `Bearer ${world.a.apiKey.key}`, ...(r.headers ?? {}) } })),
  "app/api/v1/alerts/[id]/route.ts": () =>
    segment.map((id) => ({ probe: { method: "GET", path: `/api/v1/alerts/${pathSafe(id)}`, params: { id } }, headers: { authorization: `Bearer ${world.a.apiKey.key}` } })),
  "app/api/v1/telemetry/[connectionId]/route.ts": () => {
    const id = world.a.settingsConnection.id;
    const auth = { authorization: `Bearer ${world.a.settingsConnection.ingestToken}` };
    const event = { source_id: world.a.settingsConnection.sourceId, source_name: "fuzz", occurred_at: "2026-01-01T00:00:00Z", payload: { a: 1 } };
    return fc.oneof(
      { weight: 5, arbitrary: mutationsOf(event).map((m) => ({ probe: { method: "POST" as const, path: `/api/v1/telemetry/${id}`, params: { connectionId: id }, body: { events: [m.input] } }, headers: auth })) },
      { weight: 2, arbitrary: nastyValue.map((v) => ({ probe: { method: "POST" as const, path: `/api/v1/telemetry/${id}`, params: { connectionId: id }, body: { events: v } }, headers: auth })) },
      {
        // Text PostgreSQL cannot store in jsonb: NUL and unpaired surrogates, as values and as keys.
        weight: 1,
        arbitrary: fc
          .constantFrom<Record<string, unknown>>({ a: "\u0000" }, { "\u0000": 1 }, { a: "\ud800" }, { "\udfff": "x" }, { nested: { deep: ["\u0000"] } })
          .map((payload) => ({ probe: { method: "POST" as const, path: `/api/v1/telemetry/${id}`, params: { connectionId: id }, body: { events: [{ ...event, payload }] } }, headers: auth })),
      },
      { weight: 2, arbitrary: malformedJson.map((raw) => ({ probe: { method: "POST" as const, path: `/api/v1/telemetry/${id}`, params: { connectionId: id } }, rawBody: raw, headers: { ...auth, "content-type": "application/json" } })) },
      { weight: 1, arbitrary: fc.tuple(segment, segment).map(([cid, token]) => ({ probe: { method: "POST" as const, path: `/api/v1/telemetry/x`, params: { connectionId: cid }, body: { events: [event] } }, headers: { authorization: `Bearer ${headerSafe(token)}` } })) },
    );
  },
  "app/api/alerts/[id]/route.ts": () => segment.map((id) => ({ probe: { method: "GET", path: "/api/alerts/x", params: { id } }, cookie })),
  "app/api/psa/integrations/[id]/auto-match/route.ts": () =>
    fc.oneof(segment, fc.constant(world.a.psaIntegrationId)).map((id) => ({ probe: { method: "GET", path: "/api/psa/x/auto-match", params: { id } }, cookie })),
  "app/api/psa/integrations/[id]/companies/route.ts": () =>
    fc.tuple(fc.oneof(segment, fc.constant(world.a.psaIntegrationId)), queryRecord).map(([id, query]) => ({ probe: { method: "GET", path: "/api/psa/x/companies", params: { id }, query }, cookie })),
  "app/api/psa/integrations/[id]/lookups/[kind]/route.ts": () =>
    fc.tuple(fc.oneof(segment, fc.constant(world.a.psaIntegrationId)), fc.oneof(segment, fc.constantFrom("statuses", "companies", "priorities")), queryRecord).map(([id, kind, query]) => ({
      probe: { method: "GET", path: "/api/psa/x/lookups/y", params: { id, kind }, query },
      cookie,
    })),
  "app/api/organizations/options/route.ts": () =>
    queryRecord.map((query) => ({ probe: { method: "GET", path: "/api/organizations/options", params: {}, query }, cookie })),
  "app/(console)/settings/integrations/existing/route.ts": () =>
    queryRecord.map((query) => ({ probe: { method: "GET", path: "/settings/integrations/existing", params: {}, query }, cookie })),
  "app/(console)/settings/psa-email/email/preview/route.ts": () => {
    const sample = { globalSubjectFormat: "{{ alert.title }}", organizationSubjectFormat: "{{ organization.name }}", respondEventDetail: "1", iocEventDetail: "0" };
    return mutationsOf(sample).map((m) => {
      const query = typeof m.input === "object" && m.input && !Array.isArray(m.input) ? Object.fromEntries(Object.entries(m.input).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v) ?? ""])) : {};
      return { probe: { method: "GET" as const, path: "/settings/psa-email/email/preview", params: {}, query }, cookie };
    });
  },
  "app/consent/[token]/authorize/route.ts": () =>
    fc.tuple(fc.oneof(segment, fc.constant(world.a.consentApplication.token)), fc.oneof(malformedJson, nastyValue.map((v) => JSON.stringify({ credentials: v }) ?? "{}"))).map(([token, raw]) => ({
      probe: { method: "POST" as const, path: "/consent/x/authorize", params: { token } },
      rawBody: raw,
      headers: { "content-type": "application/json", origin: "http://switchboard.test", "sec-fetch-site": "same-origin" },
    })),
  "app/api/oauth/callback/[provider]/route.ts": () =>
    fc.tuple(fc.oneof(segment, fc.constantFrom("microsoft", "google")), fc.dictionary(fc.constantFrom("state", "code", "tenant", "admin_consent", "error", "error_description", "scope"), segment, { maxKeys: 5 })).map(([provider, query]) => ({
      probe: { method: "GET" as const, path: "/api/oauth/callback/x", params: { provider }, query },
    })),
  "app/api-docs/assets/[file]/route.ts": () =>
    fc.oneof(segment, fc.constantFrom("../../package.json", "..%2f..%2fpackage.json", "swagger-ui.css/../../../.env", "/etc/passwd", "init.js")).map((file) => ({ probe: { method: "GET" as const, path: "/api-docs/assets/x", params: { file } } })),
  "app/api-docs/route.ts": () => queryRecord.map((query) => ({ probe: { method: "GET" as const, path: "/api-docs", params: {}, query } })),
  "app/api/v1/openapi.json/route.ts": () => queryRecord.map((query) => ({ probe: { method: "GET" as const, path: "/api/v1/openapi.json", params: {}, query } })),
  "app/api/auth/[...all]/route.ts": () =>
    fc.oneof(
      mutationsOf({ email: world.a.admin.email, password: "wrong password 123" }).map((m) => ({
        probe: { method: "POST" as const, path: "/api/auth/sign-in/email", params: {} },
        rawBody: JSON.stringify(m.input) ?? "null",
        headers: { "content-type": "application/json", origin: "http://switchboard.test" },
      })),
      malformedJson.map((raw) => ({ probe: { method: "POST" as const, path: "/api/auth/sign-in/email", params: {} }, rawBody: raw, headers: { "content-type": "application/json", origin: "http://switchboard.test" } })),
      segment.map((s) => ({ probe: { method: "GET" as const, path: `/api/auth/${pathSafe(s).slice(0, 500)}`, params: {} } })),
    ),
};

describe("R-SEC-5: every route handler answers bad requests with a 4xx message and stores nothing", () => {
  it("R-SEC-5: every app/**/route.ts has a fuzz spec (new routes fail here until they get one)", () => {
    const files = routeFiles();
    expect(files.filter((f) => !(f in FUZZ)), "add a generator to FUZZ in tests/security/bad-input-api.int.test.ts").toEqual([]);
  });

  for (const [file, gen] of Object.entries(FUZZ)) {
    it(`R-SEC-5: ${file} — ${RUNS} generated requests: never a 5xx, a message, nothing stored when refused`, async () => {
      let generated = 0;
      let mark = await changeMark(sql());
      await fc.assert(
        fc.asyncProperty(gen(), async (req) => {
          generated++;
          const res = await callRoute(file, req.probe, { cookie: req.cookie ?? null, headers: req.headers, rawBody: req.rawBody });
          expect(res.status, `${req.probe.method} ${req.probe.path} → ${res.status}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) {
            // better-auth answers an unknown endpoint under /api/auth with a bare 404; everything else explains itself.
            const bareNotFound = file === "app/api/auth/[...all]/route.ts" && res.status === 404;
            if (!bareNotFound) expect(res.body.trim().length, "a refusal carries a message").toBeGreaterThan(0);
          }
          const since = await changesSince(sql(), mark);
          if (since.length) mark = since[since.length - 1].id;
          if (res.status >= 400) expect(describeChanges(since), `refused ${res.status} but wrote`).toEqual([]);
          if (file === "app/api/v1/alerts/route.ts" && res.status === 400 && req.shape === "field") {
            const body = JSON.parse(res.body) as { error: string; fields?: Record<string, string[]> };
            const keys = Object.keys(body.fields ?? {});
            expect(keys.some((k) => k === req.mutated![0] || k.startsWith(`${req.mutated![0]}.`)), `${JSON.stringify(body)} does not name "${req.mutated![0]}"`).toBe(true);
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(generated).toBeGreaterThanOrEqual(RUNS);
    }, 300_000);
  }
});
