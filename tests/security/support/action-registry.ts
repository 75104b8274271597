/**
 * Every server action (each export of app/**\/actions.ts) with its expected behaviour (R-SEC-1):
 *  - `roles`: the roles the action serves; every other role is refused and nothing changes;
 *  - `technician`: "scoped" — technicians act only inside the organizations given to them; "never" — the
 *    objects this action addresses are admin-only even for a technician the action otherwise serves;
 *  - `input(p, scope, h)`: a valid input addressing partner p's objects (in the technician's organizations or
 *    not). The isolation suite sends partner B's input as partner A's users (refused, nothing changes), then
 *    as B's admin (accepted — proving the probe was valid and the refusal was about the tenant);
 *  - `mixed(a, b, h)`: inputs that combine the caller's own objects with the other partner's ids;
 *  - `noForeignIds`: why the action addresses nothing by id (it acts on the caller's own partner); the suite
 *    then checks that whatever it writes belongs to the caller's partner.
 * A new export with no entry here fails the suite until it is listed (tests/security/isolation.int.test.ts).
 */
import { randomBytes } from "node:crypto";
import type { Role } from "@/lib/auth/roles";
import { setSourceMapping } from "@/lib/integrations/mappings";
import * as fresh from "./fresh";
import type { Scope } from "./fresh";
import type { FakeSyncroInfo, PartnerWorld } from "./world";
import { PASSWORD } from "./world";

export type Helpers = { fake: FakeSyncroInfo };

export type ActionEntry = {
  roles: readonly Role[];
  technician?: "scoped" | "never";
  input?: (p: PartnerWorld, scope: Scope, h: Helpers) => Promise<Record<string, unknown>>;
  mixed?: (a: PartnerWorld, b: PartnerWorld, h: Helpers) => Promise<Record<string, unknown>[]>;
  noForeignIds?: string;
  /** The action redirects on success (Next's redirect() throws): a NEXT_REDIRECT counts as accepted. */
  redirectsOnSuccess?: boolean;
};

/** Actions that are not tenant data operations; the isolation suite tests each with its own probe. */
export type SpecialAction = { special: "first-run-setup" | "sign-out"; why: string };

const n = () => randomBytes(3).toString("hex");
const ADMIN: readonly Role[] = ["admin"];
const MANAGERS: readonly Role[] = ["admin", "technician"];

const s1Credentials = () => ({ consoleUrl: `https://p${n()}.sentinelone.net`, apiToken: `s1-probe-${n()}` });

export const ACTIONS: Record<string, ActionEntry | SpecialAction> = {
  "app/(auth)/setup/actions.ts#completeSetup": {
    special: "first-run-setup",
    why: "public by design while no partner exists; refused (nothing written) once one does",
  },
  "app/(console)/actions.ts#signOut": {
    special: "sign-out",
    why: "ends the caller's own session only; takes no input",
  },

  // Alerts
  "app/(console)/alerts/actions.ts#sendTestAlertAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ organizationId: fresh.orgOf(p, scope).id, priority: "high", title: `Probe ${p.tag}` }),
  },
  "app/(console)/alerts/actions.ts#retryDeliveryAction": {
    roles: ["admin", "support"],
    input: async (p, scope) => ({ deliveryId: await fresh.freshDeadDelivery(p, scope) }),
  },

  // Organization > Applications
  "app/(console)/organizations/[id]/applications/actions.ts#checkApplicationAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ organizationId: fresh.orgOf(p, scope).id, appType: "sentinelone", credentials: s1Credentials() }),
  },
  "app/(console)/organizations/[id]/applications/actions.ts#createApplicationAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({
      organizationId: (await fresh.freshOrg(p, scope)).id,
      appType: "sentinelone",
      authorizer: "msp",
      credentials: s1Credentials(),
      acknowledgeDuplicate: true,
    }),
  },
  "app/(console)/organizations/[id]/applications/actions.ts#resendConsentLinkAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ linkId: (await fresh.freshConsentLink(p, scope)).linkId }),
  },
  "app/(console)/organizations/[id]/applications/actions.ts#revokeConsentLinkAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ linkId: (await fresh.freshConsentLink(p, scope)).linkId }),
  },

  // Organization > Settings
  "app/(console)/organizations/[id]/settings/actions.ts#setOrganizationDeliveryAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ organizationId: (await fresh.freshOrg(p, scope)).id, enabled: false }),
  },
  "app/(console)/organizations/[id]/settings/actions.ts#addOrganizationRecipientAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ organizationId: fresh.orgOf(p, scope).id, email: `probe${n()}.${p.tag}@${p.key}.test`, priorities: ["high"] }),
  },
  "app/(console)/organizations/[id]/settings/actions.ts#updateOrganizationRecipientAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => {
      const r = await fresh.freshOrgRecipient(p, scope);
      return { organizationId: r.organizationId, id: r.id, priorities: ["low", "critical"] };
    },
    mixed: async (a, b) => {
      // A's organization with B's recipient id, and B's organization with A's recipient id.
      const ra = await fresh.freshOrgRecipient(a, "scoped");
      const rb = await fresh.freshOrgRecipient(b, "scoped");
      return [
        { organizationId: a.scopedOrg.id, id: rb.id, priorities: ["low"] },
        { organizationId: b.scopedOrg.id, id: ra.id, priorities: ["low"] },
      ];
    },
  },
  "app/(console)/organizations/[id]/settings/actions.ts#removeOrganizationRecipientAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => {
      const r = await fresh.freshOrgRecipient(p, scope);
      return { organizationId: r.organizationId, id: r.id };
    },
    mixed: async (a, b) => {
      const rb = await fresh.freshOrgRecipient(b, "scoped");
      return [{ organizationId: a.scopedOrg.id, id: rb.id }];
    },
  },

  // Organizations
  "app/(console)/organizations/actions.ts#createOrganizationAction": {
    roles: ADMIN,
    input: async (p) => ({ name: `Probe org ${n()} ${p.tag}` }),
    noForeignIds: "creates an organization in the caller's partner",
  },
  "app/(console)/organizations/actions.ts#updateOrganizationAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => {
      const org = await fresh.freshOrg(p, scope);
      return { id: org.id, name: org.name, notes: `probe ${n()}` };
    },
  },
  "app/(console)/organizations/actions.ts#deleteOrganizationAction": {
    roles: ADMIN,
    input: async (p, scope) => ({ id: (await fresh.freshOrg(p, scope)).id }),
    redirectsOnSuccess: true,
  },

  // Settings > API keys
  "app/(console)/settings/api-keys/actions.ts#createApiKeyAction": {
    roles: ADMIN,
    input: async (p) => ({ name: `Probe key ${n()} ${p.tag}` }),
    noForeignIds: "creates a key of the caller's partner",
  },
  "app/(console)/settings/api-keys/actions.ts#revokeApiKeyAction": {
    roles: ADMIN,
    input: async (p) => ({ id: await fresh.freshApiKey(p) }),
  },

  // Settings > Integrations and the connection pages
  "app/(console)/settings/integrations/actions.ts#checkIntegrationAction": {
    roles: ADMIN,
    input: async (p, scope) => ({ organizationId: fresh.orgOf(p, scope).id, appType: "datto_rmm", credentials: { apiUrl: `https://p${n()}.centrastage.net`, apiKey: "K", apiSecretKey: "S" } }),
  },
  "app/(console)/settings/integrations/actions.ts#createIntegrationAction": {
    roles: ADMIN,
    input: async (p, scope) => ({
      organizationId: (await fresh.freshOrg(p, scope)).id,
      appType: "ninjaone",
      credentials: { regionUrl: `https://p${n()}.ninjarmm.com`, clientId: "cid", clientSecret: `ninja-${n()}` },
      mappings: [{ externalSourceId: `site-${n()}`, organizationId: fresh.orgOf(p, scope).id }],
      acknowledgeDuplicate: true,
    }),
    mixed: async (a, b) => {
      const own = await fresh.freshOrg(a, "scoped");
      return [
        {
          // Own organization, telemetry mapped into the other partner's organization (R-INT-5).
          organizationId: own.id,
          appType: "ninjaone",
          credentials: { regionUrl: `https://p${n()}.ninjarmm.com`, clientId: "cid", clientSecret: "s" },
          mappings: [{ externalSourceId: `site-${n()}`, organizationId: b.scopedOrg.id }],
          acknowledgeDuplicate: true,
        },
      ];
    },
  },
  "app/(console)/settings/integrations/actions.ts#updateConnectionAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => {
      const c = await fresh.freshApplication(p, scope);
      return { connectionId: c.connectionId, name: `Renamed ${n()} ${p.tag}`, settings: { consoleUrl: `https://r${n()}.sentinelone.net` }, acknowledgeDuplicate: true };
    },
  },
  "app/(console)/settings/integrations/actions.ts#setConnectionEnabledAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ connectionId: (await fresh.freshApplication(p, scope)).connectionId, enabled: false }),
  },
  "app/(console)/settings/integrations/actions.ts#deleteConnectionAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ connectionId: (await fresh.freshApplication(p, scope)).connectionId }),
  },
  "app/(console)/settings/integrations/actions.ts#rotateIngestTokenAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ connectionId: (await fresh.freshApplication(p, scope)).connectionId }),
  },
  "app/(console)/settings/integrations/actions.ts#setSourceMappingAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => {
      const c = await fresh.freshApplication(p, scope);
      return { connectionId: c.connectionId, externalSourceId: `src-${n()}`, organizationId: c.organizationId };
    },
    mixed: async (a, b) => [
      // Own platform integration, source routed into the other partner's organization (R-INT-5).
      { connectionId: a.settingsConnection.id, externalSourceId: `src-${n()}`, organizationId: b.otherOrg.id },
      { connectionId: b.settingsConnection.id, externalSourceId: `src-${n()}`, organizationId: a.otherOrg.id },
    ],
  },
  "app/(console)/settings/integrations/actions.ts#removeSourceAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => {
      const c = await fresh.freshApplication(p, scope);
      const externalSourceId = `src-${n()}`;
      await setSourceMapping(p.admin.viewer, { connectionId: c.connectionId, externalSourceId, organizationId: c.organizationId });
      return { connectionId: c.connectionId, externalSourceId };
    },
  },
  "app/(console)/settings/integrations/actions.ts#startAuthorizationAction": {
    roles: MANAGERS,
    technician: "scoped",
    input: async (p, scope) => ({ connectionId: (await fresh.freshOAuthApplication(p, scope)).connectionId }),
  },

  // Settings > PSA & Email: email
  "app/(console)/settings/psa-email/email/actions.ts#addGlobalRecipientAction": {
    roles: ADMIN,
    input: async (p) => ({ email: `global${n()}.${p.tag}@${p.key}.test` }),
    noForeignIds: "adds a global recipient of the caller's partner",
  },
  "app/(console)/settings/psa-email/email/actions.ts#removeGlobalRecipientAction": {
    roles: ADMIN,
    input: async (p) => ({ id: await fresh.freshGlobalRecipient(p) }),
  },
  "app/(console)/settings/psa-email/email/actions.ts#updateEmailSettingsAction": {
    roles: ADMIN,
    input: async () => ({
      globalSubjectFormat: `[{{ alert.priority }}] {{ alert.title }} ${n()}`,
      organizationSubjectFormat: "{{ organization.name }}: {{ alert.title }}",
      respondEventDetail: true,
      iocEventDetail: false,
    }),
    noForeignIds: "changes the caller's partner's email settings",
  },

  // Settings > PSA & Email: PSA
  "app/(console)/settings/psa-email/psa/actions.ts#testNewPsaConnectionAction": {
    roles: ADMIN,
    input: async (p, _scope, h) => ({ vendor: "syncro", name: `Syncro probe ${n()} ${p.tag}`, credentials: h.fake.credentials }),
    noForeignIds: "a first test creates a PSA integration in the caller's partner; the id of a draft to correct is probed by `mixed`",
    mixed: async (a, b, h) => [
      // Correcting the other partner's unfinished integration.
      { vendor: "syncro", integrationId: await fresh.freshPsaIntegration(b, h.fake, { finish: false }), name: `Syncro probe ${n()} ${a.tag}`, credentials: h.fake.credentials },
    ],
  },
  "app/(console)/settings/psa-email/psa/actions.ts#replacePsaCredentialsAction": {
    roles: ADMIN,
    input: async (p, _scope, h) => ({ id: await fresh.freshPsaIntegration(p, h.fake), credentials: h.fake.credentials }),
  },
  "app/(console)/settings/psa-email/psa/actions.ts#testPsaIntegrationAction": {
    roles: ADMIN,
    input: async (p) => ({ id: p.psaIntegrationId }),
  },
  "app/(console)/settings/psa-email/psa/actions.ts#savePsaConfigurationAction": {
    roles: ADMIN,
    input: async (p, _scope, h) => {
      const id = await fresh.freshPsaIntegration(p, h.fake);
      return { id, name: `Syncro saved ${n()} ${p.tag}`, mappings: [{ organizationId: p.otherOrg.id, companyId: h.fake.customerId, companyName: h.fake.customerName }] };
    },
    mixed: async (a, b, h) => [
      // Own integration, the other partner's organization mapped to a PSA company.
      { id: await fresh.freshPsaIntegration(a, h.fake), name: `Syncro mixed ${n()} ${a.tag}`, mappings: [{ organizationId: b.scopedOrg.id, companyId: h.fake.customerId, companyName: h.fake.customerName }] },
    ],
  },
  "app/(console)/settings/psa-email/psa/actions.ts#setPsaStatusAction": {
    roles: ADMIN,
    input: async (p, _scope, h) => ({ id: await fresh.freshPsaIntegration(p, h.fake), status: "paused" }),
  },
  "app/(console)/settings/psa-email/psa/actions.ts#deletePsaIntegrationAction": {
    roles: ADMIN,
    input: async (p, _scope, h) => ({ id: await fresh.freshPsaIntegration(p, h.fake) }),
  },
  "app/(console)/settings/psa-email/psa/actions.ts#sendPsaTestTicketAction": {
    roles: ADMIN,
    input: async (p) => ({ id: p.psaIntegrationId, organizationId: p.scopedOrg.id, priority: "low" }),
    mixed: async (a, b) => [
      { id: a.psaIntegrationId, organizationId: b.scopedOrg.id },
      { id: b.psaIntegrationId, organizationId: a.scopedOrg.id },
    ],
  },

  // Settings > Users
  "app/(console)/settings/users/actions.ts#createUserAction": {
    roles: ADMIN,
    input: async (p, scope) => ({ email: `new${n()}.${p.tag}@${p.key}.test`, password: PASSWORD, role: "technician", organizationIds: [fresh.orgOf(p, scope).id] }),
  },
  "app/(console)/settings/users/actions.ts#updateUserAccessAction": {
    roles: ADMIN,
    input: async (p) => ({ userId: await fresh.freshUser(p), role: "technician", organizationIds: [p.scopedOrg.id] }),
    mixed: async (a, b) => [{ userId: await fresh.freshUser(a), role: "technician", organizationIds: [b.scopedOrg.id] }],
  },
  "app/(console)/settings/users/actions.ts#removeUserAction": {
    roles: ADMIN,
    input: async (p) => ({ userId: await fresh.freshUser(p) }),
  },
};

export function isSpecial(e: ActionEntry | SpecialAction): e is SpecialAction {
  return "special" in e;
}
