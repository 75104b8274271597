/**
 * Every page (app/**\/page.tsx) with its expected behaviour (R-SEC-1), for e2e/security.spec.ts:
 *  - `roles`: who may open it (others get 403); anonymous visitors are sent to /login;
 *  - `url(p, scope)`: the page for partner p's objects (in the technician's organizations or not); partner A's
 *    users opening B's URL get 403/404 and nothing of B; B's admin gets it (the positive control);
 *  - `technician`: "scoped" — a technician opening the page for an organization not given to them gets 403/404;
 *  - `foreignQueries`: list pages that take ids in the query: with B's ids they show nothing of B;
 *  - `public`: pages without a session (login, setup, consent).
 * A new page.tsx with no entry fails the spec until it is listed. Imports no lib/ code (Playwright loads it).
 */
import type { PartnerInfo } from "./stack-client";

export type Role = "admin" | "technician" | "support";
export type Scope = "scoped" | "other";

export type PageEntry =
  | {
      roles: readonly Role[];
      url: (p: PartnerInfo, scope: Scope) => string;
      /** The page addresses the partner's objects by id (otherwise: a list or form of the caller's own partner). */
      addressesIds: boolean;
      technician?: "scoped";
      foreignQueries?: (b: PartnerInfo) => string[];
      /** Mixed: the caller's own id in one segment and the other partner's in another. */
      mixed?: (a: PartnerInfo, b: PartnerInfo) => string[];
    }
  | { public: true; url: (p: PartnerInfo) => string; why: string };

const ALL: readonly Role[] = ["admin", "technician", "support"];
const org = (p: PartnerInfo, s: Scope) => (s === "scoped" ? p.scopedOrg.id : p.otherOrg.id);
const app = (p: PartnerInfo, s: Scope) => (s === "scoped" ? p.scopedApplication.id : p.otherApplication.id);

export const PAGES: Record<string, PageEntry> = {
  "app/(auth)/login/page.tsx": { public: true, url: () => "/login", why: "sign-in form" },
  "app/(auth)/setup/page.tsx": { public: true, url: () => "/setup", why: "first-run setup; sends everyone to /login once a partner exists" },
  "app/consent/[token]/page.tsx": { public: true, url: (p: PartnerInfo) => `/consent/${p.consentApplication.token}`, why: "the token is the credential (R-INT-6)" },
  "app/consent/complete/page.tsx": { public: true, url: () => "/consent/complete?app=okta&outcome=connected", why: "static outcome page, names no one" },
  "app/page.tsx": { public: true, url: () => "/", why: "redirects to /organizations or /login" },
  "app/(console)/account/page.tsx": { roles: ALL, addressesIds: false, url: () => "/account" },
  "app/(console)/alerts/page.tsx": {
    roles: ALL,
    addressesIds: false,
    url: () => "/alerts",
    foreignQueries: (b: PartnerInfo) => [`/alerts?org=${b.scopedOrg.id}`, `/alerts?org=${b.otherOrg.id}&priority=critical&outcome=failed`],
  },
  "app/(console)/alerts/[id]/page.tsx": {
    roles: ALL,
    addressesIds: true,
    technician: "scoped",
    url: (p: PartnerInfo, s: Scope) => `/alerts/${s === "scoped" ? p.alerts.scopedId : p.alerts.otherId}`,
  },
  "app/(console)/audit-log/page.tsx": {
    roles: ["admin", "support"],
    addressesIds: false,
    url: () => "/audit-log",
    foreignQueries: (b: PartnerInfo) => [`/audit-log?entity=organization&id=${b.scopedOrg.id}`, `/audit-log?id=${b.partnerId}`],
  },
  "app/(console)/mailbox/page.tsx": { roles: ["admin", "support"], addressesIds: false, url: () => "/mailbox" },
  "app/(console)/mailbox/[id]/page.tsx": { roles: ["admin", "support"], addressesIds: true, url: (p: PartnerInfo) => `/mailbox/${p.mailboxMessageId}` },
  "app/(console)/organizations/page.tsx": { roles: ALL, addressesIds: false, url: () => "/organizations", foreignQueries: (b: PartnerInfo) => [`/organizations?q=${b.tag}`] },
  "app/(console)/organizations/new/page.tsx": { roles: ["admin"], addressesIds: false, url: () => "/organizations/new" },
  "app/(console)/organizations/[id]/page.tsx": { roles: ALL, addressesIds: true, technician: "scoped", url: (p: PartnerInfo, s: Scope) => `/organizations/${org(p, s)}` },
  "app/(console)/organizations/[id]/settings/page.tsx": { roles: ALL, addressesIds: true, technician: "scoped", url: (p: PartnerInfo, s: Scope) => `/organizations/${org(p, s)}/settings` },
  "app/(console)/organizations/[id]/applications/page.tsx": { roles: ALL, addressesIds: true, technician: "scoped", url: (p: PartnerInfo, s: Scope) => `/organizations/${org(p, s)}/applications` },
  "app/(console)/organizations/[id]/applications/new/page.tsx": {
    roles: ["admin", "technician"],
    addressesIds: true,
    technician: "scoped",
    url: (p: PartnerInfo, s: Scope) => `/organizations/${org(p, s)}/applications/new`,
  },
  "app/(console)/organizations/[id]/applications/new/[appType]/page.tsx": {
    roles: ["admin", "technician"],
    addressesIds: true,
    technician: "scoped",
    url: (p: PartnerInfo, s: Scope) => `/organizations/${org(p, s)}/applications/new/okta`,
  },
  "app/(console)/organizations/[id]/applications/[connectionId]/page.tsx": {
    roles: ALL,
    addressesIds: true,
    technician: "scoped",
    url: (p: PartnerInfo, s: Scope) => `/organizations/${org(p, s)}/applications/${app(p, s)}`,
    mixed: (a: PartnerInfo, b: PartnerInfo) => [`/organizations/${a.scopedOrg.id}/applications/${b.scopedApplication.id}`, `/organizations/${b.scopedOrg.id}/applications/${a.scopedApplication.id}`],
  },
  "app/(console)/routing/page.tsx": {
    roles: ALL,
    addressesIds: false,
    url: () => "/routing",
    foreignQueries: (b: PartnerInfo) => [`/routing?org=${b.scopedOrg.id}&priority=critical`, `/routing?org=${b.otherOrg.id}`],
  },
  "app/(console)/settings/api-keys/page.tsx": { roles: ["admin"], addressesIds: false, url: () => "/settings/api-keys" },
  "app/(console)/settings/users/page.tsx": { roles: ["admin"], addressesIds: false, url: () => "/settings/users" },
  "app/(console)/settings/integrations/page.tsx": { roles: ["admin"], addressesIds: false, url: () => "/settings/integrations" },
  "app/(console)/settings/integrations/new/page.tsx": { roles: ["admin"], addressesIds: false, url: () => "/settings/integrations/new" },
  "app/(console)/settings/integrations/[connectionId]/page.tsx": { roles: ["admin"], addressesIds: true, url: (p: PartnerInfo) => `/settings/integrations/${p.settingsConnection.id}` },
  "app/(console)/settings/psa-email/page.tsx": { roles: ["admin", "support"], addressesIds: false, url: () => "/settings/psa-email" },
  "app/(console)/settings/psa-email/psa/new/page.tsx": { roles: ["admin"], addressesIds: false, url: () => "/settings/psa-email/psa/new" },
  "app/(console)/settings/psa-email/psa/[id]/page.tsx": { roles: ["admin"], addressesIds: true, url: (p: PartnerInfo) => `/settings/psa-email/psa/${p.psaIntegrationId}` },
};

export function isPublic(e: PageEntry): e is Extract<PageEntry, { public: true }> {
  return "public" in e;
}
