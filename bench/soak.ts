/**
 * Soak test (R-REL-1..5 over time; not part of `npm test`):
 *
 *   npx tsx bench/soak.ts --minutes 30 [--rate 20] [--workers 2]
 *
 * A stack of its own — embedded PostgreSQL in a temporary folder, the five fake PSAs, a loopback SMTP server,
 * `next start` of the production build when one exists (NEXT_DIST_DIR, else .next; otherwise intake runs
 * in-process through lib/delivery/intake and the web kills are skipped) and `--workers` delivery workers —
 * receives alerts through the alert API at `--rate` per second for `--minutes`, while faults recur:
 *   - the PSAs fail 10 % of ticket requests (500, 429, connections dropped before and after processing);
 *   - the SMTP server refuses every connection for 20 s (every third of the run, at least every 10 minutes);
 *   - a worker is killed with SIGKILL and replaced (every sixth of the run, at least every 5 minutes);
 *   - the web process is killed with SIGKILL and restarted (every fourth of the run, at least every 7 minutes).
 * Then it drains and checks: every acknowledged (202) alert exists with its deliveries; every delivery is
 * sent; each ticket exists once per reference at the fakes and each email once per Message-ID at the SMTP
 * server. It prints throughput, intake and delivery latency percentiles and the processes' memory; results of
 * runs are kept in bench/SOAK.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, freePort, startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MINUTES = arg("minutes", 30);
const RATE = arg("rate", 20);
const WORKERS = arg("workers", 2);
const DURATION_MS = MINUTES * 60_000;
const log = (m: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}`);

const home = mkdtempSync(path.join(os.tmpdir(), "switchboard-soak-"));
const pg = await startEmbeddedPostgres({ home, persistent: false });
const databaseUrl = await ensureDatabase(pg.url, "soak");
await runMigrations(databaseUrl);
const webPort = await freePort();
const baseUrl = `http://127.0.0.1:${webPort}`;

const { startSmtpSink } = await import("@/tests/support/smtp-sink");
const { startFakePsas } = await import("@/lib/psa/fakes");
const smtp = await startSmtpSink({ parse: true });
const fakes = await startFakePsas();

const appEnv: Record<string, string> = {
  DATABASE_URL: databaseUrl,
  SWITCHBOARD_HOME: home,
  SWITCHBOARD_SECRET_KEYS: `soak:${randomBytes(32).toString("base64")}`,
  BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
  SWITCHBOARD_URL: baseUrl,
  SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1,localhost",
  SMTP_URL: smtp.url,
  SWITCHBOARD_RETRY_SCHEDULE: "200ms,500ms,1s,2s,3s,5s,5s,5s,10s,10s,10s,10s,10s,10s,10s,10s,10s,10s",
  SWITCHBOARD_PSA_RATE_SCALE: "1000",
  SWITCHBOARD_BREAKER_OPEN_MS: "1000",
  SWITCHBOARD_LEASE_MS: "10000",
  SWITCHBOARD_WORKERS: String(WORKERS),
  NEXT_TELEMETRY_DISABLED: "1",
  LOG_LEVEL: "warn",
};
Object.assign(process.env, appEnv);
const { resetEnvCache } = await import("@/lib/env");
resetEnvCache();
const { getSqlClient, closeDb } = await import("@/db");
const { createApiKey } = await import("@/lib/auth/api-keys");
const { acceptAlert } = await import("@/lib/delivery/intake");
const { addGlobalRecipient, addPsaIntegration, makeOrganization, makePartner } = await import("@/tests/support/fixtures");

const { partnerId, viewer } = await makePartner("Soak MSP");
const orgs: string[] = [];
for (const name of ["Acme Corp", "Globex Corporation", "Initech", "Umbrella Corp"]) orgs.push((await makeOrganization(viewer, name)).id);
await addPsaIntegration(partnerId, { vendor: "connectwise", credentials: fakes.connectwise.credentials as unknown as Record<string, string>, fallback: { companyId: "250", companyName: "Acme Corp" } });
await addPsaIntegration(partnerId, { vendor: "halopsa", credentials: fakes.halopsa.credentials as unknown as Record<string, string>, fallback: { companyId: "42", companyName: "Acme Corp" }, defaults: { ticketType: "21" } });
await addGlobalRecipient(partnerId, "soc@soak.test");
await addGlobalRecipient(partnerId, "noc@soak.test");
const apiKey = (await createApiKey(viewer, { name: "soak" })).key;
for (const f of [fakes.connectwise, fakes.halopsa]) f.setFaults({ rate: 0.1, kinds: ["server_error", "rate_limit", "drop_before", "drop_after"], retryAfterSeconds: 0, paths: ["ticket"] });

// ---- processes ----
const env = () => ({ ...process.env, ...appEnv, NODE_ENV: "production" }) as NodeJS.ProcessEnv;
const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));
const distDir = process.env.NEXT_DIST_DIR || ".next";
const useWeb = existsSync(path.join(ROOT, distDir, "BUILD_ID"));
let web: ChildProcess | undefined;
async function startWeb() {
  web = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(webPort), "-H", "127.0.0.1"], { cwd: ROOT, env: env(), stdio: "ignore" });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${baseUrl}/login`)).status < 500) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("web did not start");
}
const workers: ChildProcess[] = [];
const spawnWorker = () => spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/worker.ts")], { cwd: ROOT, env: env(), stdio: "ignore" });
for (let i = 0; i < WORKERS; i++) workers.push(spawnWorker());
if (useWeb) await startWeb();
log(`${MINUTES} min at ${RATE} alerts/s, ${WORKERS} workers, intake ${useWeb ? `over HTTP (${distDir})` : "in-process (no build found)"}`);

// ---- load ----
const acked = new Map<string, { at: number; deliveries: number }>();
const intakeMs: number[] = [];
const statuses = new Map<string, number>();
const count = (k: string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
let seq = 0;
async function postOne() {
  const i = seq++;
  const body = { organizationId: orgs[i % orgs.length], priority: "high", title: `Soak alert ${i}`, summary: "soak" };
  const t0 = performance.now();
  try {
    if (useWeb) {
      const res = await fetch(`${baseUrl}/api/v1/alerts`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
      count(String(res.status));
      if (res.status === 202) {
        const j = (await res.json()) as { alertId: string; deliveries: unknown[] };
        acked.set(j.alertId, { at: Date.now(), deliveries: j.deliveries.length });
        intakeMs.push(performance.now() - t0);
      }
    } else {
      const a = await acceptAlert({ partnerId, label: "soak" }, body as never);
      count("202");
      acked.set(a.alertId, { at: Date.now(), deliveries: a.deliveries.length });
      intakeMs.push(performance.now() - t0);
    }
  } catch {
    count("error");
  }
}

const start = Date.now();
const every = (fraction: number, capMinutes: number) => Math.min(DURATION_MS * fraction, capMinutes * 60_000);
const faults: string[] = [];
const timers = [
  setInterval(() => {
    smtp.setDown(true);
    faults.push(`smtp down at ${Math.round((Date.now() - start) / 1000)}s`);
    setTimeout(() => smtp.setDown(false), 20_000);
  }, every(1 / 3, 10)),
  setInterval(() => {
    const w = workers.shift()!;
    w.kill("SIGKILL");
    workers.push(spawnWorker());
    faults.push(`worker SIGKILL at ${Math.round((Date.now() - start) / 1000)}s`);
  }, every(1 / 6, 5)),
  ...(useWeb
    ? [
        setInterval(async () => {
          web!.kill("SIGKILL");
          faults.push(`web SIGKILL at ${Math.round((Date.now() - start) / 1000)}s`);
          await exited(web!);
          await startWeb();
        }, every(1 / 4, 7)),
      ]
    : []),
];
const inflight = new Set<Promise<void>>();
while (Date.now() - start < DURATION_MS) {
  const due = Math.floor(((Date.now() - start) / 1000) * RATE) - seq;
  for (let k = 0; k < due && inflight.size < 64; k++) {
    const p = postOne().finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await new Promise((r) => setTimeout(r, 20));
}
await Promise.all(inflight);
for (const t of timers) clearInterval(t);
smtp.setDown(false);
if (useWeb && (web!.exitCode !== null || web!.signalCode !== null)) await startWeb();
log(`load done: ${acked.size} acknowledged; statuses ${JSON.stringify(Object.fromEntries(statuses))}; faults: ${faults.join(", ")}`);

// ---- drain and check ----
const sql = getSqlClient();
const drainStart = Date.now();
for (;;) {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where status in ('planned','sending','failed')`;
  if (n === 0) break;
  if (Date.now() - drainStart > 10 * 60_000) throw new Error(`${n} deliveries still pending after 10 min`);
  await new Promise((r) => setTimeout(r, 1000));
}
const memory = await new Promise<string>((resolve) => {
  const ps = spawn("ps", ["-o", "rss=,args=", "-p", [web?.pid, ...workers.map((w) => w.pid)].filter(Boolean).join(",")]);
  let text = "";
  ps.stdout.on("data", (d) => (text += d));
  ps.on("exit", () => resolve(text.trim().split("\n").map((l) => `${Math.round(Number(l.trim().split(/\s+/)[0]) / 1024)} MB ${/next|worker/.exec(l)?.[0] ?? ""}`).join(", ")));
});
const ids = [...acked.keys()];
const stored = await sql<{ id: string; n: number }[]>`select a.id::text, count(d.id)::int as n from alerts a join deliveries d on d.alert_id = a.id where a.id = any(${ids}::uuid[]) group by a.id`;
const storedMap = new Map(stored.map((r) => [r.id, r.n]));
const lost = ids.filter((id) => storedMap.get(id) !== acked.get(id)!.deliveries);
const byStatus = await sql<{ status: string; n: number }[]>`select status::text, count(*)::int as n from deliveries group by 1 order by 1`;
const latency = await sql<{ p50: number; p95: number; p99: number; max: number }[]>`
  select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.95) within group (order by ms) as p95,
         percentile_cont(0.99) within group (order by ms) as p99, max(ms) as max
  from (select extract(epoch from (d.sent_at - a.created_at)) * 1000 as ms from deliveries d join alerts a on a.id = d.alert_id where d.status = 'sent') t`;
const psaRefs = [...fakes.connectwise.tickets.map((t) => t.externalRef), ...fakes.halopsa.tickets.map((t) => /\[(sb:[0-9a-f-]+)\]/.exec(t.title)?.[1])];
const psaDeliveries = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where channel = 'psa'`;
const emailDeliveries = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where channel = 'email'`;
const messageIds = smtp.messages.map((m) => m.messageId);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0);
};
const report = {
  minutes: MINUTES,
  rate: RATE,
  workers: WORKERS,
  intake: useWeb ? "http" : "in-process",
  acknowledged: acked.size,
  statuses: Object.fromEntries(statuses),
  faults,
  intakeMs: { p50: pct(intakeMs, 50), p95: pct(intakeMs, 95), p99: pct(intakeMs, 99) },
  deliveryMs: Object.fromEntries(Object.entries(latency[0]).map(([k, v]) => [k, Math.round(Number(v))])),
  drainSeconds: Math.round((Date.now() - drainStart) / 1000),
  deliveries: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
  lostOrIncomplete: lost.length,
  tickets: { deliveries: psaDeliveries[0].n, created: psaRefs.length, distinct: new Set(psaRefs).size },
  // R-REL-2: an email is effectively once through its Message-ID. A worker killed after the SMTP server accepted a
  // message but before it recorded "sent" sends it again with the same Message-ID (SMTP has no idempotency);
  // those repeats are counted, and a second Message-ID for one delivery would fail the run.
  emails: {
    deliveries: emailDeliveries[0].n,
    received: smtp.accepted(),
    distinctMessageIds: new Set(messageIds).size,
    repeatedWithSameMessageId: smtp.accepted() - new Set(messageIds).size,
  },
  memory,
};
console.log(JSON.stringify(report, null, 2));
const ok =
  lost.length === 0 &&
  report.tickets.created === report.tickets.deliveries &&
  report.tickets.distinct === report.tickets.deliveries &&
  report.emails.distinctMessageIds === report.emails.deliveries &&
  (report.deliveries.dead ?? 0) === 0;
log(ok ? "PASS: nothing lost, no ticket twice, every email under one Message-ID" : "FAIL: see the report");

for (const w of workers) w.kill("SIGTERM");
web?.kill("SIGTERM");
await Promise.all([...workers, ...(web ? [web] : [])].map(exited));
await fakes.stop();
await smtp.close();
await closeDb();
await pg.stop();
rmSync(home, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
