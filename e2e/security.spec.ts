/**
 * Security, proven over HTTP against the production build (`next start`) of a stack of its own
 * (tests/security/support/stack.ts: embedded PostgreSQL, the fake PSAs, a delivery worker, two partners with full
 * data and canary credentials, every server log line captured):
 *  - R-SEC-1: every page (discovered from app/**\/page.tsx) for every login: another partner's ids → 403/404 and
 *    nothing of that partner in the HTML or the RSC payload; technicians confined; roles; anonymous → /login;
 *  - R-SEC-2: a browse of every page by every role (HTML, RSC, JSON), every server log line and every audit entry
 *    hold none of the canary secrets;
 *  - R-SEC-5: script in alert titles is escaped on the pages and never runs;
 *  - R-INT-6 / login abuse: consent GET-prefetch then POST; sign-in rate limits (per client address, and per
 *    account when X-Forwarded-For is rotated); logout and password change revoke sessions; a cross-origin
 *    server-action POST is refused;
 *  - headers: CSP with a nonce and without unsafe-eval, frame-ancestors 'none', nosniff, referrer policy, HSTS
 *    and Secure cookies over TLS; the console and the API reference work under the CSP;
 *  - R-REL-1/5: SIGKILL of the web process during intake loses no acknowledged alert; PostgreSQL restarted
 *    under load — web and worker recover without manual action.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser } from "@playwright/test";
import { pageFiles } from "../tests/security/support/discover";
import { expectAccessible, snap } from "./helpers";
import { isPublic, PAGES, type Role, type Scope } from "../tests/security/support/page-registry";
import { Stack, type PartnerInfo, type StackInfo } from "../tests/security/support/stack-client";

test.describe.configure({ mode: "serial" });

let stack: Stack;
let info: StackInfo;
let http: APIRequestContext;

type Who = keyof StackInfo["cookies"];
const A_USERS: Who[] = ["adminA", "technicianA", "supportA"];
const roleOf = (w: Who) => w.slice(0, -1) as Role;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  stack = await Stack.start();
  info = await stack.info();
  http = await playwrightRequest.newContext({ baseURL: info.baseUrl });
});

test.afterAll(async () => {
  await http?.dispose();
  await stack?.stop();
});

function get(url: string, cookie: string | null, headers: Record<string, string> = {}) {
  return http.get(url, { headers: { ...(cookie ? { cookie } : {}), ...headers }, maxRedirects: 0 });
}

/** Follows redirects by hand (keeping the cookie), returning the last answer and where it ended. */
async function open(url: string, cookie: string | null, headers: Record<string, string> = {}) {
  let current = url;
  for (let i = 0; i < 5; i++) {
    const res = await get(current, cookie, headers);
    const location = res.headers()["location"];
    if (res.status() >= 300 && res.status() < 400 && location) {
      current = new URL(location, info.baseUrl).pathname + new URL(location, info.baseUrl).search;
      continue;
    }
    return { status: res.status(), body: await res.text(), url: current };
  }
  throw new Error(`too many redirects from ${url}`);
}

async function browserFor(browser: Browser, cookie: string) {
  const context = await browser.newContext({ baseURL: info.baseUrl });
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: info.baseUrl, httpOnly: true, sameSite: "Lax" as const };
    }),
  );
  return context;
}

const marksOf = (p: PartnerInfo) => [p.tag, p.partnerId];

test.describe("R-SEC-1: pages", () => {
  // "Nothing changes" is read from the row-trigger log: the worker is settled and frozen while pages are probed.
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    await stack.send("pauseWorker");
  });
  test.afterAll(async () => {
    await stack.send("resumeWorker");
  });

  test("R-SEC-1: every app/**/page.tsx is listed with its expected behaviour (new pages fail here until listed)", () => {
    const files = pageFiles();
    expect(files.filter((f) => !(f in PAGES)), "add them to tests/security/support/page-registry.ts").toEqual([]);
    expect(Object.keys(PAGES).filter((f) => !files.includes(f)), "registry entries whose page.tsx no longer exists").toEqual([]);
  });

  test("R-SEC-1: partner A's admin, technician and support get 403/404 for every page of partner B (HTML and RSC), see nothing of B, change nothing; B's admin is served", async () => {
    test.setTimeout(240_000);
    const { a, b } = info.world;
    let probes = 0;
    for (const [file, entry] of Object.entries(PAGES)) {
      if (isPublic(entry)) continue;
      const urls = entry.addressesIds ? [entry.url(b, "scoped"), ...(entry.mixed?.(a, b) ?? [])] : [...(entry.foreignQueries?.(b) ?? []), entry.url(b, "scoped")];
      for (const who of A_USERS) {
        for (const url of urls) {
          for (const rsc of [false, true]) {
            const mark = await stack.mark();
            const res = await open(url, info.cookies[who], rsc ? { RSC: "1" } : {});
            probes++;
            const label = `${file}: ${who} ${rsc ? "RSC " : ""}${url} → ${res.status} ${res.url}`;
            if (entry.addressesIds) {
              // HTML: the status. RSC (client navigation): Next answers 200 with the not-found/forbidden boundary.
              if (rsc) expect(res.body, label).toMatch(/NEXT_HTTP_ERROR_FALLBACK;40[34]|This page does not exist|You do not have access to this page/);
              else expect([403, 404], label).toContain(res.status);
            }
            // (An id the caller put in the URL may be echoed back; that is not B's data.)
            for (const m of marksOf(b).filter((m) => !url.includes(m))) expect(res.body.includes(m), `${label} shows partner B's ${m}`).toBe(false);
            expect((await stack.changes(mark)).map((c) => `${c.op} ${c.tbl}`), label).toEqual([]);
          }
        }
      }
      if (entry.addressesIds) {
        const own = await open(entry.url(b, "scoped"), info.cookies.adminB);
        expect(own.status, `${file}: adminB (positive control) ${own.url}`).toBe(200);
        expect(own.body, `${file}: adminB sees its own object`).toContain(b.tag);
      }
    }
    console.info(`[R-SEC-1] pages covered: ${Object.keys(PAGES).length}; cross-tenant page probes: ${probes}`);
  });

  test("R-SEC-1: roles — each page serves only its roles (others 403); technicians only their organizations; anonymous visitors go to /login", async () => {
    test.setTimeout(180_000);
    const { a } = info.world;
    for (const [file, entry] of Object.entries(PAGES)) {
      if (isPublic(entry)) {
        const res = await open(entry.url(a), null);
        expect(res.status, file).toBeLessThan(400);
        for (const m of [...marksOf(a), ...marksOf(info.world.b)].filter(() => !file.includes("consent/[token]"))) expect(res.body.includes(m), file).toBe(false);
        continue;
      }
      const url = entry.url(a, "scoped");
      const anon = await open(url, null);
      expect(anon.url, `${file}: anonymous`).toMatch(/^\/login/);
      for (const who of A_USERS) {
        const res = await open(url, info.cookies[who]);
        expect(res.status, `${file}: ${who} ${url}`).toBe(entry.roles.includes(roleOf(who)) ? 200 : 403);
      }
      if (entry.technician === "scoped") {
        const outside = await open(entry.url(a, "other" as Scope), info.cookies.technicianA);
        expect([403, 404], `${file}: technician outside their organizations`).toContain(outside.status);
        expect(outside.body.includes(a.otherOrg.name), `${file}: technician sees the other organization's name`).toBe(false);
      }
    }
  });
});

test.describe("R-SEC-2: secrets never leak", () => {
  test("R-SEC-2: a browse of every page by every role (HTML, RSC payloads, JSON), every server log line and every audit entry hold no canary secret", async ({ browser }) => {
    test.setTimeout(300_000);
    const bodies: { url: string; body: string }[] = [];
    const urlsFor = (who: Who, scopes: Scope[]) => {
      const p = who.endsWith("A") ? info.world.a : info.world.b;
      const urls = new Set<string>();
      for (const entry of Object.values(PAGES)) {
        if (isPublic(entry) || !entry.roles.includes(roleOf(who))) continue;
        for (const scope of scopes) urls.add(entry.url(p, scope));
      }
      return [...urls];
    };
    // Admins in Chromium: the HTML, the RSC payloads of client navigation and the JSON the client queries load.
    for (const who of ["adminA", "adminB"] as Who[]) {
      const context = await browserFor(browser, info.cookies[who]);
      const page = await context.newPage();
      const pending: Promise<void>[] = [];
      page.on("response", (res) => {
        pending.push(
          res
            .text()
            .then((body) => void bodies.push({ url: `${who} ${res.url()}`, body }))
            .catch(() => undefined),
        );
      });
      for (const url of urlsFor(who, who === "adminA" ? ["scoped", "other"] : ["scoped"])) {
        await page.goto(url);
        await page.waitForLoadState("networkidle");
      }
      await Promise.all(pending);
      await context.close();
    }
    // Every role over HTTP: each page's HTML and RSC payload.
    for (const who of ["adminA", "supportA", "technicianA", "adminB"] as Who[]) {
      for (const url of urlsFor(who, ["scoped", "other"])) {
        for (const headers of [{}, { RSC: "1" }] as Record<string, string>[]) {
          const res = await open(url, info.cookies[who], headers);
          bodies.push({ url: `${who} ${"RSC" in headers ? "RSC " : ""}${url}`, body: res.body });
        }
      }
    }
    expect(bodies.length).toBeGreaterThan(100);
    const leaks = (text: string) => info.canaries.filter((c) => text.includes(c));
    for (const { url, body } of bodies) expect(leaks(body), `response ${url}`).toEqual([]);
    const logs = await stack.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(leaks(line), `server log: ${line.slice(0, 200)}`).toEqual([]);
    const audit = await stack.sql("select * from audit_log");
    expect(audit.length).toBeGreaterThan(10);
    expect(leaks(JSON.stringify(audit)), "audit log").toEqual([]);
    const errors = await stack.sql("select last_error as e from deliveries where last_error is not null union all select error from delivery_attempts where error is not null");
    expect(leaks(JSON.stringify(errors)), "delivery errors").toEqual([]);
    console.info(`[R-SEC-2] responses searched: ${bodies.length}; server log lines: ${logs.length}; audit entries: ${audit.length}; canaries: ${info.canaries.length}`);
  });
});

test.describe("R-SEC-5: hostile alert text on pages", () => {
  test("R-SEC-5: script in an alert's title and summary is escaped in the HTML and never runs (alert page, alerts list, mailbox)", async ({ browser }) => {
    const html = (await open(`/alerts/${info.xssAlertId}`, info.cookies.adminA)).body;
    expect(html).not.toContain('<script>alert("xss-title")');
    expect(html).not.toMatch(/<img src=x onerror/);
    expect(html).toContain("&lt;script&gt;");
    const context = await browserFor(browser, info.cookies.adminA);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`/alerts/${info.xssAlertId}`);
    await expect(page.getByText('<script>alert("xss-title")</script>', { exact: false }).first()).toBeVisible();
    await page.goto("/alerts");
    await page.waitForLoadState("networkidle");
    const [message] = await stack.sql<{ id: string }>("select id from dev_mailbox where subject like '%xss-title%' limit 1");
    if (message) {
      await page.goto(`/mailbox/${message.id}`);
      await page.waitForLoadState("networkidle");
    }
    expect(dialogs).toEqual([]);
    await context.close();
  });
});

test.describe("headers, cookies and the CSP", () => {
  test("security headers: nonce CSP without unsafe-eval, frame-ancestors 'none', nosniff, referrer policy, no HSTS over plain HTTP", async () => {
    for (const url of ["/login", "/organizations", "/api/v1/openapi.json"]) {
      const res = await get(url, url === "/organizations" ? info.cookies.adminA : null);
      const h = res.headers();
      const csp = h["content-security-policy"] ?? "";
      expect(csp, url).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(csp, url).not.toContain("unsafe-eval");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("object-src 'none'");
      expect(h["x-content-type-options"], url).toBe("nosniff");
      expect(h["referrer-policy"], url).toBe("strict-origin-when-cross-origin");
      expect(h["x-frame-options"], url).toBe("DENY");
      expect(h["strict-transport-security"], url).toBeUndefined();
    }
    const html = await (await get("/login", null)).text();
    const nonce = /'nonce-([^']+)'/.exec((await get("/login", null)).headers()["content-security-policy"])![1];
    expect(html).not.toContain(nonce); // a fresh nonce per response
    expect(html).toMatch(/<script[^>]* nonce="[^"]+"/);
    const asset = await get(/src="(\/_next\/static\/[^"]+\.js)"/.exec(html)![1], null);
    expect(asset.headers()["x-content-type-options"]).toBe("nosniff");
  });

  test("cookies: the session cookie is HttpOnly and SameSite=Lax (Secure only over TLS, below)", async () => {
    const res = await http.post("/api/auth/sign-in/email", {
      data: { email: info.world.a.support.email, password: info.world.a.support.password },
      headers: { origin: info.baseUrl, "x-forwarded-for": "198.51.100.10" },
    });
    expect(res.status()).toBe(200);
    const cookie = res.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.includes("session_token"))!.value;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  test("over TLS (SWITCHBOARD_URL https://): HSTS, upgrade-insecure-requests and Secure, __Secure- cookies", async () => {
    test.setTimeout(120_000);
    const tls = await stack.send<{ url: string; publicUrl: string }>("startHttpsWeb");
    const ctx = await playwrightRequest.newContext({ baseURL: tls.url });
    try {
      const res = await ctx.get("/login", { headers: { "x-forwarded-proto": "https" } });
      expect(res.headers()["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
      expect(res.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
      const signIn = await ctx.post("/api/auth/sign-in/email", {
        data: { email: info.world.b.support.email, password: info.world.b.support.password },
        headers: { origin: tls.publicUrl, "x-forwarded-for": "198.51.100.11", "x-forwarded-proto": "https" },
      });
      expect(signIn.status()).toBe(200);
      const cookie = signIn.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.includes("session_token"))!.value;
      expect(cookie).toMatch(/^__Secure-/);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/HttpOnly/i);
    } finally {
      await ctx.dispose();
    }
  });

  test("the console works under the CSP (no violations, client navigation, forms) and so does the API reference", async ({ browser }) => {
    const context = await browserFor(browser, info.cookies.adminA);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
    });
    await page.goto("/organizations");
    await expect(page.getByRole("heading", { name: "Organizations", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "Alerts" }).first().click();
    await expect(page).toHaveURL(/\/alerts/);
    await page.goto("/settings/psa-email");
    await page.waitForLoadState("networkidle");
    await page.goto("/api-docs");
    await expect(page.locator("#swagger-ui .info")).toBeVisible({ timeout: 20_000 });
    expect(violations).toEqual([]);
    await context.close();
  });
});

test.describe("R-INT-6: consent link over HTTP", () => {
  test("R-INT-6: GET (a mail scanner's prefetch, twice) does not use the link; the customer's POST then completes it; a second POST is refused", async () => {
    const link = await stack.send<{ token: string; connectionId: string }>("newConsentLink");
    for (let i = 0; i < 2; i++) expect((await get(`/consent/${link.token}`, null)).status()).toBe(200);
    const post = (origin: string) =>
      http.post(`/consent/${link.token}/authorize`, {
        data: { credentials: { oktaDomain: "acme.okta.com", clientId: "0oa-e2e", clientSecret: "e2e-secret" } },
        headers: { origin, "sec-fetch-site": origin === info.baseUrl ? "same-origin" : "cross-site" },
      });
    expect((await post("https://evil.example")).status()).toBe(403);
    const ok = await post(info.baseUrl);
    expect(ok.status(), await ok.text()).toBe(200);
    expect((await post(info.baseUrl)).status()).toBe(410);
    const [conn] = await stack.sql<{ status: string }>("select status::text from connections where id = $1", [link.connectionId]);
    expect(conn.status).toBe("connected");
  });
});

test.describe("CSRF on server actions", () => {
  test("a cross-origin POST to a server action (fetch or form) is refused and changes nothing; the same request from the console's origin works", async () => {
    const manifest = JSON.parse(readFileSync(path.join(info.distDir, "server", "server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { filename?: string; exportedName?: string; workers: Record<string, unknown> }>;
    };
    const [actionId] = Object.entries(manifest.node).find(([, v]) => v.filename === "app/(console)/organizations/actions.ts" && v.exportedName === "createOrganizationAction")!;
    const count = async (name: string) => (await stack.sql<{ n: number }>("select count(*)::int as n from organizations where name = $1", [name]))[0].n;
    const call = (origin: string, name: string) =>
      http.post("/organizations/new", {
        headers: { cookie: info.cookies.adminA, origin, "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
        data: JSON.stringify([{ name }]),
        maxRedirects: 0,
      });
    const form = (origin: string, name: string) =>
      http.post("/organizations/new", {
        headers: { cookie: info.cookies.adminA, origin },
        multipart: { [`$ACTION_ID_${actionId}`]: "", name },
        maxRedirects: 0,
      });
    await stack.send("pauseWorker");
    const mark = await stack.mark();
    const evil = await call("https://evil.example", "CSRF fetch org");
    expect(evil.status()).not.toBe(200);
    const evilForm = await form("https://evil.example", "CSRF form org");
    expect(evilForm.ok() && (await evilForm.text()).includes("CSRF form org")).toBe(false);
    expect(await count("CSRF fetch org")).toBe(0);
    expect(await count("CSRF form org")).toBe(0);
    expect((await stack.changes(mark)).map((c) => `${c.op} ${c.tbl}`)).toEqual([]);
    await stack.send("resumeWorker");
    // Positive control: the same call from the console's own origin is served.
    const own = await call(info.baseUrl, "Same-origin action org");
    expect(own.status(), await own.text()).toBe(200);
    expect(await count("Same-origin action org")).toBe(1);
  });
});

test.describe("sessions and login abuse", () => {
  test("logout revokes the session: the old cookie no longer opens the console", async () => {
    const cookie = await stack.send<string>("signIn", { email: info.world.b.admin.email });
    expect((await open("/organizations", cookie)).status).toBe(200);
    const out = await http.post("/api/auth/sign-out", { headers: { cookie, origin: info.baseUrl }, data: {} });
    expect(out.status()).toBe(200);
    expect((await open("/organizations", cookie)).url).toMatch(/^\/login/);
  });

  test("change password (Account page) signs out every other session; the old password stops working", async ({ browser }) => {
    const email = info.world.b.technician.email;
    const current = info.world.b.technician.password;
    const mine = await stack.send<string>("signIn", { email });
    const other = await stack.send<string>("signIn", { email });
    const context = await browserFor(browser, mine);
    const page = await context.newPage();
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
    await expectAccessible(page);
    // A wrong current password is refused with a message and changes nothing.
    await page.getByLabel("Current password").fill("not my password 123");
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase 42");
    await page.getByLabel("Confirm new password").fill("a brand new passphrase 42");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("That is not your current password.")).toBeVisible();
    await snap(page, "account-change-password-refused");
    expect((await open("/organizations", other)).url, "nothing changed: the other session still works").toBe("/organizations");
    await page.getByLabel("Current password").fill(current);
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase 42");
    await page.getByLabel("Confirm new password").fill("a brand new passphrase 42");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed. Your other sessions were signed out.")).toBeVisible();
    expect((await open("/organizations", other)).url, "the other session is revoked").toMatch(/^\/login/);
    await page.goto("/organizations");
    await expect(page.getByRole("heading", { name: "Organizations", level: 1 })).toBeVisible();
    await expect(stack.send("signIn", { email, password: current })).rejects.toThrow();
    expect(await stack.send<string>("signIn", { email, password: "a brand new passphrase 42" })).toContain("session_token");
    await context.close();
  });

  test("sign-in is rate-limited per client address as `next start` sees it, and per account when X-Forwarded-For is rotated", async () => {
    const attempt = (email: string, headers: Record<string, string> = {}) =>
      http.post("/api/auth/sign-in/email", { data: { email, password: "not the password 1" }, headers: { origin: info.baseUrl, ...headers } });
    // 1. No forwarding header: next start fills in the socket address; the 6th attempt within a minute is refused.
    const byAddress: number[] = [];
    for (let i = 0; i < 6; i++) byAddress.push((await attempt(info.world.b.support.email)).status());
    expect(byAddress).toEqual([401, 401, 401, 401, 401, 429]);
    const keys = await stack.sql<{ key: string }>("select key from rate_limit where key like '%sign-in%'");
    expect(keys.map((k) => k.key).join(" "), "the client address was seen (not a shared bucket)").toContain("127.0.0.1");
    // 2. A rotating X-Forwarded-For defeats the per-address limit, not the per-account one (10 failures).
    const rotated: number[] = [];
    for (let i = 0; i < 12; i++) rotated.push((await attempt(info.world.a.technician.email, { "x-forwarded-for": `203.0.113.${i + 1}` })).status());
    expect(rotated.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(rotated.slice(10)).toEqual([429, 429]);
    const right = await http.post("/api/auth/sign-in/email", {
      data: { email: info.world.a.technician.email, password: info.world.a.technician.password },
      headers: { origin: info.baseUrl, "x-forwarded-for": "203.0.113.99" },
    });
    expect(right.status(), "even the right password waits out the lock").toBe(429);
    // Another account is not affected.
    const other = await http.post("/api/auth/sign-in/email", {
      data: { email: info.world.a.admin.email, password: info.world.a.admin.password },
      headers: { origin: info.baseUrl, "x-forwarded-for": "203.0.113.100" },
    });
    expect(other.status()).toBe(200);
  });
});

test.describe("R-REL: faults", () => {
  async function postAlerts(lanes: number, until: () => boolean, onAck: (id: string, deliveries: number) => void, statuses: number[]) {
    const key = info.world.a.apiKey.key;
    let n = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (!until()) {
          const i = n++;
          try {
            const res = await http.post("/api/v1/alerts", {
              headers: { authorization: `Bearer ${key}` },
              data: { organizationId: info.world.a.scopedOrg.id, priority: "high", title: `Fault alert ${i}`, summary: "fault test" },
              timeout: 10_000,
            });
            statuses.push(res.status());
            if (res.status() === 202) {
              const body = (await res.json()) as { alertId: string; deliveries: unknown[] };
              onAck(body.alertId, body.deliveries.length);
            }
          } catch {
            statuses.push(0); // connection refused or reset: the server is down
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }),
    );
  }

  async function expectStored(acked: Map<string, number>) {
    const ids = [...acked.keys()];
    const rows = await stack.sql<{ id: string; n: number }>(
      "select a.id::text, count(d.id)::int as n from alerts a left join deliveries d on d.alert_id = a.id where a.id = any($1::uuid[]) group by a.id",
      [ids],
    );
    const found = new Map(rows.map((r) => [r.id, r.n]));
    expect(ids.filter((id) => !found.has(id)), "acknowledged alerts missing").toEqual([]);
    expect(ids.filter((id) => found.get(id) !== acked.get(id)), "alerts missing deliveries").toEqual([]);
  }

  test("R-REL-1, R-REL-5: SIGKILL of the web process during intake — every 202-acknowledged alert exists afterwards with all its deliveries", async () => {
    test.setTimeout(180_000);
    const acked = new Map<string, number>();
    const statuses: number[] = [];
    let killed = false;
    const run = postAlerts(8, () => killed && statuses.filter((s) => s === 0).length >= 8, (id, d) => acked.set(id, d), statuses);
    while (acked.size < 40) await new Promise((r) => setTimeout(r, 20));
    await stack.send("killWeb");
    killed = true;
    await run;
    expect(acked.size).toBeGreaterThanOrEqual(40);
    await stack.send("startWeb");
    await expectStored(acked);
    const after = await http.post("/api/v1/alerts", {
      headers: { authorization: `Bearer ${info.world.a.apiKey.key}` },
      data: { organizationId: info.world.a.scopedOrg.id, priority: "low", title: "After restart", summary: "x" },
    });
    expect(after.status()).toBe(202);
  });

  test("R-REL-5: PostgreSQL restarted mid-run — web and worker recover without manual action; every acknowledged alert is stored and delivered", async () => {
    test.setTimeout(240_000);
    const acked = new Map<string, number>();
    const statuses: number[] = [];
    let stop = false;
    const run = postAlerts(4, () => stop, (id, d) => acked.set(id, d), statuses);
    while (acked.size < 20) await new Promise((r) => setTimeout(r, 20));
    await stack.send("stopPg");
    const downAt = statuses.length;
    await new Promise((r) => setTimeout(r, 2_000));
    await stack.send("startPg");
    const ackedBeforeRecovery = acked.size;
    const deadline = Date.now() + 60_000;
    while (acked.size < ackedBeforeRecovery + 20) {
      if (Date.now() > deadline) throw new Error(`the web process did not recover: ${statuses.slice(-20).join(",")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    stop = true;
    await run;
    // While the database was down the API answered 503 "retry later" (or the request timed out); never a 500.
    expect(statuses.slice(downAt).filter((s) => ![202, 503, 0].includes(s)), "answers during the outage").toEqual([]);
    expect(statuses.filter((s) => s >= 500 && s !== 503), "no other server errors").toEqual([]);
    await expectStored(acked);
    // The worker reconnects by itself and sends everything that was planned.
    const ids = [...acked.keys()];
    const waitUntil = Date.now() + 120_000;
    for (;;) {
      const [{ n }] = await stack.sql<{ n: number }>(
        "select count(*)::int as n from deliveries where alert_id = any($1::uuid[]) and status not in ('sent', 'skipped')",
        [ids],
      );
      if (n === 0) break;
      if (Date.now() > waitUntil) {
        const why = await stack.sql("select status::text, channel::text, left(last_error, 200) as e, count(*)::int as n from deliveries where alert_id = any($1::uuid[]) and status not in ('sent', 'skipped') group by 1, 2, 3", [ids]);
        const worker = (await stack.logs()).filter((l) => l.startsWith("[worker]")).slice(-30);
        throw new Error(`${n} deliveries not sent after the restart: ${JSON.stringify(why)}\n${worker.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});
