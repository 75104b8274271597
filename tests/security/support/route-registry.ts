/**
 * Every route handler (app/**\/route.ts) with how it authenticates and the requests that address a partner's
 * objects (R-SEC-1). A new route.ts with no entry fails the suites until it is listed.
 *  - session: the console's JSON routes; `roles` may call, others get 403; another partner's ids get 403/404;
 *  - api-key: the partner API (Bearer sbk_...); another partner's ids are not found (404, or 422 for an
 *    organization named in the body) and nothing is stored;
 *  - ingest-token: telemetry, per-connection token; another connection's token is 401;
 *  - token: the path or query token is the credential (consent links, OAuth state) — covered by the consent
 *    suite (R-INT-6); listed with that reason;
 *  - public: serves nothing of any partner (API reference, OpenAPI document).
 */
import type { Role } from "@/lib/auth/roles";
import type { Scope } from "./fresh";
import { orgOf } from "./fresh";
import type { PartnerWorld } from "./world";

export type RouteProbe = {
  method: "GET" | "POST";
  /** The URL path, for reporting and for building the Request. */
  path: string;
  params: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
};

export type RouteEntry =
  | {
      auth: "session";
      roles: readonly Role[];
      technician?: "scoped" | "never";
      probe: (p: PartnerWorld, scope: Scope) => RouteProbe;
      /** Addresses nothing by id: the suite checks the answer holds nothing of the other partner. */
      noForeignIds?: string;
    }
  | { auth: "api-key"; probe: (p: PartnerWorld) => RouteProbe; okStatus: number[]; foreignStatus: number[] }
  | { auth: "ingest-token"; probe: (p: PartnerWorld) => RouteProbe & { token: string } }
  | { auth: "token" | "public" | "auth-library"; why: string; probe?: (p: PartnerWorld) => RouteProbe };

const ALERT_BODY = (organizationId: string, tag: string) => ({ organizationId, priority: "high", title: `API probe ${tag}`, summary: "probe" });

export const ROUTES: Record<string, RouteEntry> = {
  "app/(console)/settings/integrations/existing/route.ts": {
    auth: "session",
    roles: ["admin"],
    probe: (p, scope) => ({ method: "GET", path: "/settings/integrations/existing", params: {}, query: { organizationId: orgOf(p, scope).id } }),
  },
  "app/(console)/settings/psa-email/email/preview/route.ts": {
    auth: "session",
    roles: ["admin", "support"],
    noForeignIds: "renders the caller's own partner's sample email",
    probe: () => ({
      method: "GET",
      path: "/settings/psa-email/email/preview",
      params: {},
      query: { globalSubjectFormat: "{{ alert.title }}", organizationSubjectFormat: "{{ organization.name }}", respondEventDetail: "1", iocEventDetail: "1" },
    }),
  },
  "app/api-docs/assets/[file]/route.ts": { auth: "public", why: "static Swagger UI files from node_modules" },
  "app/api-docs/route.ts": { auth: "public", why: "static API reference page" },
  "app/api/v1/openapi.json/route.ts": { auth: "public", why: "the OpenAPI document, generated from the zod schemas" },
  "app/api/alerts/[id]/route.ts": {
    auth: "session",
    roles: ["admin", "technician", "support"],
    technician: "scoped",
    probe: (p, scope) => ({ method: "GET", path: `/api/alerts/${scope === "scoped" ? p.alerts.scopedId : p.alerts.otherId}`, params: { id: scope === "scoped" ? p.alerts.scopedId : p.alerts.otherId } }),
  },
  "app/api/organizations/options/route.ts": {
    auth: "session",
    roles: ["admin", "technician", "support"],
    noForeignIds: "searches the caller's own partner's organizations by name (a technician's only within theirs)",
    probe: () => ({ method: "GET", path: "/api/organizations/options", params: {}, query: { q: "Org" } }),
  },
  "app/api/auth/[...all]/route.ts": {
    auth: "auth-library",
    why: "better-auth endpoints (sign-in, sign-out, session, change-password): they act on the caller's own session only; login abuse is proven in e2e/security.spec.ts",
  },
  "app/api/oauth/callback/[provider]/route.ts": {
    auth: "token",
    why: "the provider's `state` is the credential; wrong, guessed, used and expired state is proven in tests/security/consent.int.test.ts",
  },
  "app/consent/[token]/authorize/route.ts": {
    auth: "token",
    why: "the consent-link token is the credential; replayed, expired, tampered and guessed tokens are proven in tests/security/consent.int.test.ts",
  },
  "app/api/psa/integrations/[id]/auto-match/route.ts": {
    auth: "session",
    roles: ["admin"],
    probe: (p) => ({ method: "GET", path: `/api/psa/integrations/${p.psaIntegrationId}/auto-match`, params: { id: p.psaIntegrationId } }),
  },
  "app/api/psa/integrations/[id]/companies/route.ts": {
    auth: "session",
    roles: ["admin"],
    probe: (p) => ({ method: "GET", path: `/api/psa/integrations/${p.psaIntegrationId}/companies`, params: { id: p.psaIntegrationId }, query: { search: "a" } }),
  },
  "app/api/psa/integrations/[id]/lookups/[kind]/route.ts": {
    auth: "session",
    roles: ["admin"],
    probe: (p) => ({ method: "GET", path: `/api/psa/integrations/${p.psaIntegrationId}/lookups/statuses`, params: { id: p.psaIntegrationId, kind: "statuses" } }),
  },
  "app/api/v1/alerts/[id]/route.ts": {
    auth: "api-key",
    okStatus: [200],
    foreignStatus: [404],
    probe: (p) => ({ method: "GET", path: `/api/v1/alerts/${p.alerts.scopedId}`, params: { id: p.alerts.scopedId } }),
  },
  "app/api/v1/alerts/route.ts": {
    auth: "api-key",
    okStatus: [202],
    foreignStatus: [404, 422],
    probe: (p) => ({ method: "POST", path: "/api/v1/alerts", params: {}, body: ALERT_BODY(p.scopedOrg.id, p.tag) }),
  },
  "app/api/v1/telemetry/[connectionId]/route.ts": {
    auth: "ingest-token",
    probe: (p) => ({
      method: "POST",
      path: `/api/v1/telemetry/${p.settingsConnection.id}`,
      params: { connectionId: p.settingsConnection.id },
      body: { events: [{ source_id: p.settingsConnection.sourceId, payload: { probe: true } }] },
      token: p.settingsConnection.ingestToken,
    }),
  },
};

/** A Request for a probe against a base URL (Vitest calls the handler with it; e2e sends it over HTTP). */
export function probeUrl(base: string, probe: RouteProbe): string {
  const url = new URL(probe.path, base);
  for (const [k, v] of Object.entries(probe.query ?? {})) url.searchParams.set(k, v);
  return url.toString();
}
