/**
 * R-INT-6 — consent-link and OAuth-state abuse, through the public route handlers and the consent page itself
 * (the server component Next.js renders on GET). Replayed (also concurrently), expired, revoked, tampered
 * (every character) and guessed (1,000 generated) tokens are refused with 410 and change nothing (row triggers
 * on every table); a GET — any number, like a mail scanner's prefetch — never uses a link up, and the customer's
 * POST afterwards still works; a cross-site POST is refused. On the OAuth callback, guessed, tampered, replayed,
 * expired and cross-flow `state` values are refused and change nothing.
 * (Over HTTP against the production server, the same GET-then-POST is in e2e/security.spec.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { db, getSqlClient } from "@/db";
import { connections, consentLinks } from "@/db/schema";
import ConsentPage from "@/app/consent/[token]/page";
import { POST as authorize } from "@/app/consent/[token]/authorize/route";
import { GET as oauthCallback } from "@/app/api/oauth/callback/[provider]/route";
import { hashToken } from "@/lib/auth/api-keys";
import { resetEnvCache } from "@/lib/env";
import { createApplication } from "@/lib/integrations/connections";
import { startOAuthServer, type OAuthServer } from "@/tests/support/oauth-server";
import { changeMark, changesSince, describeChanges, installChangeLog } from "./support/changes";
import { seedWorld, type World } from "./support/world";

const RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 1000);
const ORIGIN = "http://consent.test";
const S1 = { consoleUrl: "https://usea1-partners.sentinelone.net", apiToken: "s1-consent-secret" };

let oauth: OAuthServer;
let world: World;
const sql = () => getSqlClient();

beforeAll(async () => {
  oauth = await startOAuthServer();
  Object.assign(process.env, {
    MICROSOFT_AUTHORITY: oauth.url,
    MICROSOFT_CLIENT_ID: oauth.options.microsoftClientId,
    MICROSOFT_CLIENT_SECRET: "unused-by-admin-consent",
    GOOGLE_AUTHORITY: oauth.url,
    GOOGLE_TOKEN_URL: `${oauth.url}/token`,
    GOOGLE_CLIENT_ID: oauth.options.googleClientId,
    GOOGLE_CLIENT_SECRET: oauth.options.googleClientSecret,
    SWITCHBOARD_URL: ORIGIN,
  });
  resetEnvCache();
  world = await seedWorld();
  await installChangeLog(sql());
}, 120_000);

afterAll(async () => {
  await oauth?.close();
});

function press(token: string, body: unknown = {}, headers: Record<string, string> = {}) {
  return authorize(
    new Request(`${ORIGIN}/consent/${token}/authorize`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, host: "consent.test", "sec-fetch-site": "same-origin", ...headers },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ token }) },
  );
}

/** What Next.js does on GET /consent/{token}: render the page (which reads the link). */
async function openPage(token: string): Promise<string> {
  return JSON.stringify(await ConsentPage({ params: Promise.resolve({ token }) }));
}

async function newLink(appType = "sentinelone") {
  const org = await import("@/lib/orgs/organizations").then((m) => m.createOrganization(world.a.admin.viewer, { name: `Consent ${Math.random().toString(36).slice(2, 8)}` }));
  const created = await createApplication(world.a.admin.viewer, { organizationId: org!.id, appType, authorizer: "customer", credentials: {}, acknowledgeDuplicate: true });
  return { token: created.consent!.url.split("/consent/")[1], connectionId: created.connectionId };
}

async function unchanged<T>(label: string, run: () => Promise<T>): Promise<T> {
  const mark = await changeMark(sql());
  const out = await run();
  expect(describeChanges(await changesSince(sql(), mark)), label).toEqual([]);
  return out;
}

async function linkState(token: string) {
  const [row] = await db.select().from(consentLinks).where(eq(consentLinks.tokenHash, hashToken(token)));
  return row.state;
}

describe("R-INT-6: consent links", () => {
  it("R-INT-6: GET of the consent page (any number of prefetches) never uses the link; the customer's POST afterwards completes it", async () => {
    const { token, connectionId } = await newLink();
    for (let i = 0; i < 5; i++) expect(await openPage(token)).toContain("Connect SentinelOne");
    expect(await linkState(token)).toBe("opened");
    const res = await press(token, { credentials: S1 });
    expect(res.status).toBe(200);
    const [conn] = await db.select().from(connections).where(eq(connections.id, connectionId));
    expect(conn.status).toBe("connected");
  });

  it("R-INT-6: a replayed token is refused (410) and changes nothing — also when two presses race", async () => {
    const { token } = await newLink();
    const results = await Promise.all(Array.from({ length: 6 }, () => press(token, { credentials: S1 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410, 410, 410, 410]);
    await unchanged("replay", async () => {
      const again = await press(token, { credentials: { ...S1, apiToken: "attacker" } });
      expect(again.status).toBe(410);
      expect((await again.json()).reason).toBe("used");
      expect(await openPage(token)).toContain("already been used");
    });
  });

  it("R-INT-6: an expired or revoked token is refused (410) and GET and POST change nothing", async () => {
    const expired = await newLink();
    await db.update(consentLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(consentLinks.tokenHash, hashToken(expired.token)));
    const revoked = await newLink();
    await db.update(consentLinks).set({ state: "revoked" }).where(eq(consentLinks.tokenHash, hashToken(revoked.token)));
    for (const [label, t, reason] of [["expired", expired.token, "expired"], ["revoked", revoked.token, "revoked"]] as const) {
      await unchanged(label, async () => {
        expect(await openPage(t)).toContain(reason === "expired" ? "has expired" : "no longer valid");
        const res = await press(t, { credentials: S1 });
        expect(res.status).toBe(410);
        expect((await res.json()).reason).toBe(reason);
      });
    }
  });

  it("R-INT-6: a tampered token (each character changed in turn) is refused and changes nothing", async () => {
    const { token } = await newLink();
    await unchanged("tampered", async () => {
      for (let i = 0; i < token.length; i++) {
        const c = token[i] === "A" ? "B" : "A";
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expect((await press(tampered, { credentials: S1 })).status, `position ${i}`).toBe(410);
      }
      for (const t of [token.slice(0, -1), `${token}A`, token.toUpperCase(), ` ${token}`, encodeURIComponent(token + "/")]) {
        expect((await press(t, { credentials: S1 })).status, t).toBe(410);
      }
    });
    expect(await linkState(token)).toBe("sent");
  });

  it(`R-INT-6: ${RUNS} guessed tokens (well-formed and not) are refused and change nothing`, async () => {
    const wellFormed = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((s) => `sbc_${s}`);
    const junk = fc.oneof(fc.string({ maxLength: 100 }), fc.stringMatching(/^sbc_[A-Za-z0-9_-]{0,60}$/));
    const mark = await changeMark(sql());
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormed, junk), async (t) => {
        const res = await press(t, { credentials: S1 });
        expect(res.status).toBe(410);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(describeChanges(await changesSince(sql(), mark))).toEqual([]);
  }, 120_000);

  it("R-INT-6: a cross-site POST (form or foreign Origin) is refused and uses nothing", async () => {
    const { token } = await newLink();
    await unchanged("csrf", async () => {
      expect((await press(token, { credentials: S1 }, { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).status).toBe(403);
      expect((await press(token, { credentials: S1 }, { origin: "https://evil.example", "sec-fetch-site": "" })).status).toBe(403);
      const form = await authorize(
        new Request(`${ORIGIN}/consent/${token}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" }, body: "x=1" }),
        { params: Promise.resolve({ token }) },
      );
      expect(form.status).toBe(415);
    });
    expect(await linkState(token)).toBe("sent");
  });
});

describe("R-INT-6: OAuth callback state", () => {
  const callback = (provider: string, url: URL) => oauthCallback(new Request(url.toString()), { params: Promise.resolve({ provider }) });
  async function providerAnswer(authorizeUrl: string): Promise<URL> {
    const res = await fetch(authorizeUrl, { redirect: "manual" });
    return new URL(res.headers.get("location")!);
  }

  it(`R-INT-6: guessed (${RUNS}), tampered, replayed, expired and cross-flow state values are refused and change nothing`, async () => {
    const { token, connectionId } = await newLink("microsoft_365");
    const { redirectTo } = await (await press(token)).json();
    const back = await providerAnswer(redirectTo);
    const state = back.searchParams.get("state")!;

    await unchanged("guessed", async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.stringMatching(/^sbs_[A-Za-z0-9_-]{43}$/), fc.string({ maxLength: 80 })), async (s) => {
          const forged = new URL(back);
          forged.searchParams.set("state", s);
          const res = await callback("microsoft", forged);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    });
    await unchanged("tampered", async () => {
      for (const i of [4, 10, 20, state.length - 1]) {
        const forged = new URL(back);
        forged.searchParams.set("state", state.slice(0, i) + (state[i] === "A" ? "B" : "A") + state.slice(i + 1));
        expect((await callback("microsoft", forged)).status).toBe(400);
      }
      expect((await callback("google", back)).status, "the right state at the wrong provider").toBe(400);
    });

    expect((await callback("microsoft", back)).status, "the genuine answer").toBe(303);
    const [conn] = await db.select().from(connections).where(eq(connections.id, connectionId));
    expect(conn.status).toBe("connected");
    await unchanged("replayed", async () => {
      expect((await callback("microsoft", back)).status).toBe(400);
    });

    // An MSP-started authorization whose state has expired.
    const started = await createApplication(world.a.admin.viewer, {
      organizationId: (await import("@/lib/orgs/organizations").then((m) => m.createOrganization(world.a.admin.viewer, { name: "Expiring state org" })))!.id,
      appType: "microsoft_365",
      authorizer: "msp",
      credentials: {},
      acknowledgeDuplicate: true,
    });
    const mspBack = await providerAnswer(started.authorizeUrl!);
    await db.update(connections).set({ oauthStateExpiresAt: new Date(Date.now() - 1000) }).where(eq(connections.id, started.connectionId));
    await unchanged("expired", async () => {
      expect((await callback("microsoft", mspBack)).status).toBeGreaterThanOrEqual(400);
    });
    const [still] = await db.select().from(connections).where(eq(connections.id, started.connectionId));
    expect(still.status).toBe("pending");
  }, 120_000);
});
