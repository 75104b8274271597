import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { auditLog, connections, consentLinks, devMailbox } from "@/db/schema";
import { POST as authorize } from "@/app/consent/[token]/authorize/route";
import { GET as oauthCallback } from "@/app/api/oauth/callback/[provider]/route";
import { hashToken } from "@/lib/auth/api-keys";
import { resetEnvCache } from "@/lib/env";
import { createApplication, getConnectionDetail } from "@/lib/integrations/connections";
import { listConsentLinks, openConsentLink, resendConsentLink, revokeConsentLink } from "@/lib/integrations/consent";
import { startMspAuthorization } from "@/lib/integrations/oauth";
import { startOAuthServer, type OAuthServer } from "@/tests/support/oauth-server";
import { organization, partnerWithAdmin, SENTINELONE_CREDENTIALS } from "./integrations-fixtures";

let oauth: OAuthServer;

beforeAll(async () => {
  oauth = await startOAuthServer();
  process.env.MICROSOFT_AUTHORITY = oauth.url;
  process.env.MICROSOFT_CLIENT_ID = oauth.options.microsoftClientId;
  process.env.MICROSOFT_CLIENT_SECRET = "unused-by-admin-consent";
  process.env.GOOGLE_AUTHORITY = oauth.url;
  process.env.GOOGLE_TOKEN_URL = `${oauth.url}/token`;
  process.env.GOOGLE_CLIENT_ID = oauth.options.googleClientId;
  process.env.GOOGLE_CLIENT_SECRET = oauth.options.googleClientSecret;
  process.env.SWITCHBOARD_URL = "http://consent.test";
  resetEnvCache();
});
afterAll(async () => {
  await oauth.close();
});

const tokenOf = (url: string) => url.split("/consent/")[1];

/** The customer's browser pressing Authorize on the consent page. */
function pressAuthorize(token: string, body: unknown = {}, headers: Record<string, string> = {}) {
  return authorize(
    new Request(`http://consent.test/consent/${token}/authorize`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://consent.test", host: "consent.test", "sec-fetch-site": "same-origin", ...headers },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ token }) },
  );
}

/** Follows the provider's consent screen (the local authorization server) back to our callback. */
async function viaProvider(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

function callback(provider: string, url: URL) {
  return oauthCallback(new Request(url.toString()), { params: Promise.resolve({ provider }) });
}

async function linkRow(token: string) {
  const [row] = await db.select().from(consentLinks).where(eq(consentLinks.tokenHash, hashToken(token)));
  return row;
}

describe("customer consent links", () => {
  it("R-INT-6: only the token's hash is stored; the link is emailed (built-in mailbox) and shown once", async () => {
    const { admin, partnerId } = await partnerWithAdmin("Consent MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, {
      organizationId: acme,
      appType: "microsoft_365",
      authorizer: "customer",
      credentials: {},
      customerEmail: "It-Admin@Acme.example",
      acknowledgeDuplicate: false,
    });
    expect(created.status).toBe("pending");
    expect(created.consent).toMatchObject({ sentTo: "it-admin@acme.example", emailed: true });
    const token = tokenOf(created.consent!.url);
    expect(token).toMatch(/^sbc_[A-Za-z0-9_-]{43}$/); // 256 random bits
    const all = await db.select().from(consentLinks);
    expect(JSON.stringify(all)).not.toContain(token);
    expect(all[0].tokenHash).toBe(hashToken(token));
    expect(all[0].expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    const [mail] = await db.select().from(devMailbox).where(eq(devMailbox.partnerId, partnerId));
    expect(mail.to).toBe("it-admin@acme.example");
    expect(mail.subject).toBe("Consent MSP asks you to connect Microsoft 365 for Acme");
    expect(mail.text).toContain(created.consent!.url);
  });

  it("R-INT-6: opening the link (GET) never uses it up; it only marks it opened", async () => {
    const { admin } = await partnerWithAdmin("Scanner MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, { organizationId: acme, appType: "okta", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    const token = tokenOf(created.consent!.url);
    // A mail scanner, then the customer: any number of GETs.
    for (let i = 0; i < 3; i++) {
      const page = await openConsentLink(token);
      expect(page).toMatchObject({ status: "valid", partnerName: "Scanner MSP", organizationName: "Acme", app: { name: "Okta" } });
    }
    const row = await linkRow(token);
    expect(row.state).toBe("opened");
    expect(row.completedAt).toBeNull();
    const [conn] = await db.select().from(connections).where(eq(connections.id, created.connectionId));
    expect(conn.status).toBe("pending");
    expect((await listConsentLinks(admin, acme))[0].state).toBe("opened");
  });

  it("R-INT-6 / R-INT-7: the customer's POST completes a credential application exactly as the MSP would, once", async () => {
    const { admin } = await partnerWithAdmin("Creds MSP");
    const acme = await organization(admin, "Acme");
    const globex = await organization(admin, "Globex");
    const viaCustomer = await createApplication(admin, { organizationId: acme, appType: "sentinelone", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    const token = tokenOf(viaCustomer.consent!.url);

    // Bad input: a clear 400, and the link is still usable.
    const bad = await pressAuthorize(token, { credentials: { consoleUrl: "nope", apiToken: "" } });
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody.fieldErrors["credentials.consoleUrl"]).toBeTruthy();
    expect((await linkRow(token)).state).toBe("sent");

    const ok = await pressAuthorize(token, { credentials: SENTINELONE_CREDENTIALS });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "connected", appName: "SentinelOne", organizationName: "Acme" });
    expect((await linkRow(token)).state).toBe("completed");

    // Single use: the same link again is refused, and the page says so.
    const again = await pressAuthorize(token, { credentials: { ...SENTINELONE_CREDENTIALS, apiToken: "attacker" } });
    expect(again.status).toBe(410);
    expect((await again.json()).reason).toBe("used");
    expect((await openConsentLink(token)).status).toBe("used");

    // Same outcome as the MSP entering the credentials (R-INT-7): status, settings, identity.
    const viaMsp = await createApplication(admin, { organizationId: globex, appType: "sentinelone", authorizer: "msp", credentials: SENTINELONE_CREDENTIALS, acknowledgeDuplicate: true });
    const [a] = await db.select().from(connections).where(eq(connections.id, viaCustomer.connectionId));
    const [b] = await db.select().from(connections).where(eq(connections.id, viaMsp.connectionId));
    expect([a.status, a.settings, a.instanceKey]).toEqual([b.status, b.settings, b.instanceKey]);
    expect(a.credentialsCiphertext).toMatch(/^v1:/);
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "connection.authorized"));
    expect(audit.actorLabel).toBe("customer via consent link");
  });

  it("R-INT-6: expired, revoked and unknown links show a clear state and change nothing; a cross-site POST is refused", async () => {
    const { admin } = await partnerWithAdmin("Expiry MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, { organizationId: acme, appType: "duo", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    const token = tokenOf(created.consent!.url);
    const duo = { apiHostname: "api-1234abcd.duosecurity.com", integrationKey: "DIXXXXXXXXXXXXXXXXXX", secretKey: "duo-secret" };

    const csrf = await pressAuthorize(token, { credentials: duo }, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(csrf.status).toBe(403);
    expect((await linkRow(token)).state).toBe("sent");

    await db.update(consentLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(consentLinks.tokenHash, hashToken(token)));
    expect(await openConsentLink(token)).toMatchObject({ status: "expired", partnerName: "Expiry MSP" });
    expect((await linkRow(token)).state).toBe("sent"); // GET on an expired link changes nothing
    const late = await pressAuthorize(token, { credentials: duo });
    expect(late.status).toBe(410);
    expect((await late.json()).reason).toBe("expired");
    expect((await listConsentLinks(admin, acme))[0].state).toBe("expired");

    expect((await openConsentLink("sbc_" + "A".repeat(43))).status).toBe("unknown");
    expect((await openConsentLink("garbage")).status).toBe("unknown");
    expect((await pressAuthorize("sbc_" + "B".repeat(43), { credentials: duo })).status).toBe(410);
    const [conn] = await db.select().from(connections).where(eq(connections.id, created.connectionId));
    expect(conn.status).toBe("pending");
    expect(conn.credentialsCiphertext).toBeNull();
  });

  it("R-INT-6: resend issues a new token and voids the old one; revoke voids a link", async () => {
    const { admin } = await partnerWithAdmin("Resend MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, { organizationId: acme, appType: "okta", authorizer: "customer", credentials: {}, customerEmail: "a@acme.example", acknowledgeDuplicate: false });
    const oldToken = tokenOf(created.consent!.url);
    const [first] = await listConsentLinks(admin, acme);
    const resent = await resendConsentLink(admin, { linkId: first.id, note: "customer lost the email" });
    expect(resent.sentTo).toBe("a@acme.example");
    expect(resent.emailed).toBe(true);
    const newToken = tokenOf(resent.url);
    expect(newToken).not.toBe(oldToken);
    expect((await openConsentLink(oldToken)).status).toBe("revoked");
    expect((await openConsentLink(newToken)).status).toBe("valid");
    const [latest] = await listConsentLinks(admin, acme);
    expect(latest).toMatchObject({ id: resent.id, state: "opened" });
    await revokeConsentLink(admin, { linkId: resent.id, note: "wrong person" });
    expect((await openConsentLink(newToken)).status).toBe("revoked");
    const notes = (await db.select().from(auditLog)).map((e) => [e.action, e.note]);
    expect(notes).toContainEqual(["consent_link.resent", "customer lost the email"]);
    expect(notes).toContainEqual(["consent_link.revoked", "wrong person"]);
  });
});

describe("OAuth admin consent (local authorization server)", () => {
  it("R-INT-6: the customer authorizes Microsoft 365 from the link; the callback records the tenant and connects it", async () => {
    const { admin } = await partnerWithAdmin("Graph MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, { organizationId: acme, appType: "microsoft_365", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    const token = tokenOf(created.consent!.url);
    const res = await pressAuthorize(token);
    expect(res.status).toBe(200);
    const { redirectTo } = await res.json();
    const start = new URL(redirectTo);
    expect(`${start.origin}${start.pathname}`).toBe(`${oauth.url}/common/adminconsent`);
    expect(start.searchParams.get("client_id")).toBe(oauth.options.microsoftClientId);
    expect(start.searchParams.get("redirect_uri")).toBe("http://consent.test/api/oauth/callback/microsoft");
    // Only the state's hash is kept, bound to this link; the link is not used up yet.
    const bound = await linkRow(token);
    expect(bound.oauthStateHash).toBe(hashToken(start.searchParams.get("state")!));
    expect(bound.state).toBe("opened");

    const back = await viaProvider(redirectTo);
    expect(back.searchParams.get("tenant")).toBe(oauth.options.tenantId);
    const done = await callback("microsoft", back);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("http://consent.test/consent/complete?app=microsoft_365&outcome=connected");
    const detail = await getConnectionDetail(admin, created.connectionId);
    expect(detail.status).toBe("connected");
    expect(detail.authMode).toBe("consent_link");
    expect(detail.grantedSettings).toEqual([{ key: "tenantId", label: "Microsoft tenant id", value: oauth.options.tenantId }]);
    expect((await linkRow(token)).state).toBe("completed");

    // Replaying the provider's answer is refused and changes nothing.
    const replay = await callback("microsoft", back);
    expect(replay.status).toBe(400);
    expect((await pressAuthorize(token)).status).toBe(410);
  });

  it("R-INT-6: a callback with a wrong, forged or mismatched state is refused and changes nothing", async () => {
    const { admin } = await partnerWithAdmin("State MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, { organizationId: acme, appType: "microsoft_365", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    const token = tokenOf(created.consent!.url);
    const { redirectTo } = await (await pressAuthorize(token)).json();
    const back = await viaProvider(redirectTo);

    const forged = new URL(back);
    forged.searchParams.set("state", "sbs_" + "Z".repeat(43));
    const r1 = await callback("microsoft", forged);
    expect(r1.status).toBe(400);
    expect(await r1.text()).toContain("does not match a request from Switchboard");
    const missing = new URL(back);
    missing.searchParams.delete("state");
    expect((await callback("microsoft", missing)).status).toBe(400);
    // The right state at the wrong provider's callback.
    expect((await callback("google", back)).status).toBe(400);
    expect((await callback("dropbox", back)).status).toBe(404);
    // Microsoft's answer without admin consent.
    const noConsent = new URL(back);
    noConsent.searchParams.delete("admin_consent");
    expect((await callback("microsoft", noConsent)).status).toBe(400);

    const [conn] = await db.select().from(connections).where(eq(connections.id, created.connectionId));
    expect(conn.status).toBe("pending");
    expect(conn.settings).toEqual({});
    expect((await linkRow(token)).state).toBe("opened");
    // The genuine answer still works afterwards.
    expect((await callback("microsoft", back)).status).toBe(303);
  });

  it("R-INT-6: a declined consent leaves the application pending and the link usable", async () => {
    const { admin } = await partnerWithAdmin("Decline MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, { organizationId: acme, appType: "microsoft_defender", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    const token = tokenOf(created.consent!.url);
    oauth.setDeny(true);
    try {
      const back = await viaProvider((await (await pressAuthorize(token)).json()).redirectTo);
      const res = await callback("microsoft", back);
      expect(res.headers.get("location")).toContain("outcome=denied");
    } finally {
      oauth.setDeny(false);
    }
    expect((await linkRow(token)).state).toBe("opened");
    expect((await openConsentLink(token)).status).toBe("valid");
  });

  it("R-INT-7: Google Workspace — the code is exchanged at the token endpoint, tokens are stored encrypted only", async () => {
    const { admin } = await partnerWithAdmin("Google MSP");
    const acme = await organization(admin, "Acme");
    const created = await createApplication(admin, { organizationId: acme, appType: "google_workspace", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    const token = tokenOf(created.consent!.url);
    const { redirectTo } = await (await pressAuthorize(token)).json();
    const start = new URL(redirectTo);
    expect(start.pathname).toBe("/o/oauth2/v2/auth");
    expect(start.searchParams.get("scope")).toContain("admin.reports.audit.readonly");
    const back = await viaProvider(redirectTo);
    const done = await callback("google", back);
    expect(done.status).toBe(303);
    const [conn] = await db.select().from(connections).where(eq(connections.id, created.connectionId));
    expect(conn.status).toBe("connected");
    expect(conn.settings.googleDomain).toBe(oauth.options.googleDomain);
    expect(conn.credentialsCiphertext).toMatch(/^v1:/);
    expect(JSON.stringify(conn)).not.toMatch(/ya29\.|1\/\//);
    const tokenCalls = oauth.requests.filter((r) => r.path === "/token");
    expect(tokenCalls).toHaveLength(1);
  });

  it("R-INT-7: the MSP authorizing with the customer's admin credentials ends in the same state as the customer's link", async () => {
    const { admin } = await partnerWithAdmin("Self MSP");
    const acme = await organization(admin, "Acme");
    const globex = await organization(admin, "Globex");
    const msp = await createApplication(admin, { organizationId: acme, appType: "microsoft_365", authorizer: "msp", credentials: {}, acknowledgeDuplicate: false });
    expect(msp.status).toBe("pending");
    const back = await viaProvider(msp.authorizeUrl!);
    const done = await callback("microsoft", back);
    expect(done.headers.get("location")).toBe(`http://consent.test/organizations/${acme}/applications/${msp.connectionId}?authorization=connected`);
    // A second round (e.g. re-consent) uses a fresh state; the first one cannot be replayed.
    expect((await callback("microsoft", back)).status).toBe(400);
    const again = await startMspAuthorization(admin, { connectionId: msp.connectionId });
    expect(new URL(again.authorizeUrl).searchParams.get("state")).not.toBe(back.searchParams.get("state"));

    const customer = await createApplication(admin, { organizationId: globex, appType: "microsoft_365", authorizer: "customer", credentials: {}, acknowledgeDuplicate: false });
    await callback("microsoft", await viaProvider((await (await pressAuthorize(tokenOf(customer.consent!.url))).json()).redirectTo));
    const [a] = await db.select().from(connections).where(eq(connections.id, msp.connectionId));
    const [b] = await db.select().from(connections).where(eq(connections.id, customer.connectionId));
    expect([a.status, a.settings, a.instanceKey]).toEqual([b.status, b.settings, b.instanceKey]);
    // Same tenant connected to two organizations: both pages now warn about duplicate events (R-INT-4).
    const detail = await getConnectionDetail(admin, customer.connectionId);
    expect(detail.duplicates.map((d) => d.organizationName)).toEqual(["Acme"]);
  });
});
