/**
 * `npm run bench:delivery` — end-to-end delivery on the large data set: alerts accepted (lib/delivery/intake,
 * the API's code path without HTTP) for the bench partner's organizations at a fixed offered rate, real worker
 * processes (scripts/worker.ts) claiming and sending, tickets created at the five fake PSAs and emails accepted
 * by a loopback SMTP server (both in a child process).
 *
 * Runs: 1, 2 and 4 workers without faults; 2 workers with 30 % injected PSA faults (500, 429, connection dropped
 * before and after the ticket was created). Each: deliveries/s and alerts/s delivered, and accept → delivered
 * latency p50/p99 per alert (the alert's last delivery) from the database clock (alerts.created_at is taken
 * before the intake statement, deliveries.sent_at after the PSA or SMTP server answered).
 * Baseline in the same run: the sinks' own ceiling — a client that only posts tickets (the product's PSA
 * clients, no database, no worker) and one that only sends the emails (nodemailer pool), combined for the
 * same PSA/email mix.
 *
 * Vendor request budgets (Autotask 10,000/h, Kaseya BMS 1,500/h, Syncro 180/min) would cap a real partner far
 * below these figures; the workers run with SWITCHBOARD_PSA_RATE_SCALE=1000 to measure Switchboard itself.
 *
 * Env: BENCH_DELIVERY_RATE (100 alerts/s), BENCH_DELIVERY_SECONDS (10), BENCH_DELIVERY_WORKERS ("1,2,4"),
 * BENCH_DELIVERY_FAULT_RUN=0 (skip the run with faults), BENCH_CPU_PROF=1 (worker CPU profiles).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import nodemailer from "nodemailer";
import postgres from "postgres";
import { closeDb } from "@/db";
import { encryptCredentials } from "@/lib/crypto/secrets";
import { acceptAlert } from "@/lib/delivery/intake";
import { createPsaClient, type PsaVendor } from "@/lib/psa";
import {
  BENCH_DIR,
  DATA_DIR,
  fmt,
  log,
  machine,
  productEnv,
  ratio,
  readSeedInfo,
  ROOT,
  rssOf,
  sleep,
  spawnChild,
  startBenchDb,
  stopAllChildren,
  stopChild,
  summarize,
  TSX_CLI,
  useProductEnv,
  writeResults,
  type ResultRow,
  runBench,
} from "./lib/common";
import { generateAlert, Rng } from "./lib/data";
import { closedLoop, openLoop } from "./lib/load";

const RATE = Number(process.env.BENCH_DELIVERY_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_DELIVERY_SECONDS ?? 10);
const WORKERS = (process.env.BENCH_DELIVERY_WORKERS ?? "1,2,4").split(",").map(Number);
const CEILING_MS = Number(process.env.BENCH_CEILING_MS ?? 8000);

type Sinks = { credentials: Record<PsaVendor, Record<string, string>>; urls: Record<PsaVendor, string>; smtpUrl: string; controlUrl: string; child: ChildProcess };

async function startSinks(env: Record<string, string>): Promise<Sinks> {
  const child = spawn(process.execPath, [TSX_CLI, path.join(BENCH_DIR, "lib", "sinks-process.ts")], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const rl = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    rl.once("line", resolve);
    child.once("exit", (c) => reject(new Error(`sinks exited ${c}`)));
  });
  return { ...(JSON.parse(line) as Omit<Sinks, "child">), child };
}

async function setFaults(sinks: Sinks, rate: number) {
  for (const url of Object.values(sinks.urls)) {
    const body = rate > 0
      ? { rate, kinds: ["server_error", "rate_limit", "drop_before", "drop_after"], retryAfterSeconds: 0, paths: ["ticket"] }
      : { clear: true, rate: 0 };
    const res = await fetch(`${url}/__fake/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`fault control failed: ${res.status}`);
  }
}

type RunResult = {
  workers: number;
  faults: number;
  alerts: number;
  deliveries: number;
  deliveriesPerSecond: number;
  alertsPerSecond: number;
  latencyMs: ReturnType<typeof summarize>;
  deliveryLatencyMs: ReturnType<typeof summarize>;
  drainSeconds: number;
  dead: number;
  retried: number;
  accepted: { perSecond: number; errors: number };
  workerIdleRss: number;
  workerPeakRss: number;
  deadErrors: { channel: string; last_error: string; n: number }[];
};

async function main() {
  const info = readSeedInfo();
  const bench = await startBenchDb();
  useProductEnv(bench.url);
  const sql = postgres(bench.url, { max: 2, onnotice: () => {} });
  const raw: Record<string, unknown> = { machine: machine(), rate: RATE, seconds: SECONDS };
  const sinks = await startSinks(productEnv(bench.url));
  const runStart = new Date();
  try {
    // Point the bench partner's PSA integrations at the running fakes (credentials hold the URL).
    const integrations = await sql<{ id: string; vendor: PsaVendor }[]>`select id, vendor from psa_integrations where partner_id = ${info.benchPartnerId}`;
    for (const i of integrations) {
      await sql`update psa_integrations set credentials_ciphertext = ${encryptCredentials(sinks.credentials[i.vendor], { partnerId: info.benchPartnerId, rowId: i.id })},
                  credentials_set_at = now(), health = '{}'::jsonb where id = ${i.id}`;
    }

    // ---- ceiling: the sinks alone ------------------------------------------------------------------
    const vendors = Object.keys(sinks.credentials) as PsaVendor[];
    const clients = vendors.map((v) => ({ v, client: createPsaClient(v, sinks.credentials[v], { allowPrivate: ["127.0.0.1", "localhost"] }) }));
    const setup = info.vendorSetup;
    const psaCeiling = await closedLoop(64, CEILING_MS, async (i) => {
      const { v, client } = clients[i % clients.length];
      const s = setup[v];
      await client.createTicket({
        companyId: s.companies[i % s.companies.length].id,
        title: `Ceiling ticket ${i} [sb:ceiling-${i}]`,
        body: "Ceiling measurement: a client that only posts tickets.",
        reference: `sb:ceiling-${i}`,
        priorityId: s.priorityMap.high,
        fields: s.defaults,
      });
    });
    log(`fake PSA ceiling (tickets only, 64 concurrent): ${fmt(psaCeiling.perSecond)}/s`);
    // Options beside `url` in one object: a second argument would be message defaults (no pool).
    const mailer = nodemailer.createTransport({ url: sinks.smtpUrl, pool: true, maxConnections: 5 } as never);
    const emailCeiling = await closedLoop(32, CEILING_MS, async (i) => {
      await mailer.sendMail({ from: "bench@switchboard.local", to: `ceiling${i % 50}@example.test`, subject: `Ceiling ${i}`, text: "Ceiling measurement", html: "<p>Ceiling measurement</p>" });
    });
    mailer.close();
    log(`SMTP ceiling (emails only, nodemailer pool of 5): ${fmt(emailCeiling.perSecond)}/s`);
    raw.ceiling = { psa: psaCeiling, email: emailCeiling };

    // ---- runs --------------------------------------------------------------------------------------
    const rng = new Rng("bench-delivery");
    const orgIds = info.sampleOrganizationIds;
    const workerEnv = {
      ...productEnv(bench.url),
      NODE_ENV: "production",
      SMTP_URL: sinks.smtpUrl,
      SWITCHBOARD_PSA_RATE_SCALE: "1000",
      SWITCHBOARD_RETRY_SCHEDULE: "50ms,100ms,200ms,300ms,500ms,500ms,1s,1s,1s,1s,1s,1s",
      SWITCHBOARD_LEASE_MS: "10000",
      SWITCHBOARD_BREAKER_OPEN_MS: "500",
      LOG_LEVEL: "warn",
    };
    const plan: { workers: number; faults: number }[] = [
      ...WORKERS.map((w) => ({ workers: w, faults: 0 })),
      ...(process.env.BENCH_DELIVERY_FAULT_RUN === "0" ? [] : [{ workers: 2, faults: 0.3 }]),
    ];
    // BENCH_CPU_PROF=1: each worker writes a V8 CPU profile to bench/.data/prof when it stops.
    const workerArgs = process.env.BENCH_CPU_PROF
      ? ["--cpu-prof", `--cpu-prof-dir=${path.join(DATA_DIR, "prof")}`, "--import", "tsx", path.join(ROOT, "scripts", "worker.ts")]
      : [TSX_CLI, path.join(ROOT, "scripts", "worker.ts")];
    const runs: RunResult[] = [];
    for (const p of plan) {
      await setFaults(sinks, p.faults);
      const workers = Array.from({ length: p.workers }, (_, k) =>
        spawnChild(`worker${k}`, process.execPath, workerArgs, { ...workerEnv, SWITCHBOARD_WORKERS: String(p.workers) }),
      );
      await sleep(6000); // tsx start-up and LISTEN
      const idle = workers.reduce((a, w) => a + rssOf(w.pid!), 0) / workers.length;
      let peak = idle;
      const sampler = setInterval(() => {
        for (const w of workers) peak = Math.max(peak, rssOf(w.pid!));
      }, 250);
      const t0 = new Date();
      const ids: string[] = [];
      const accepted = await openLoop(RATE, SECONDS * 1000, async () => {
        const at = new Date();
        const g = generateAlert(rng, at);
        const res = await acceptAlert(
          { partnerId: info.benchPartnerId, label: "bench" },
          { organizationId: orgIds[rng.int(orgIds.length)], priority: g.priority, title: g.title, summary: g.summary, detectedAt: at.toISOString(), source: g.source, respondEvents: g.respondEvents, iocMatches: g.iocMatches },
        );
        ids.push(res.alertId);
      });
      // Drain: wait until no delivery of this run is pending.
      const deadline = Date.now() + 600_000;
      for (;;) {
        const [r] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where partner_id = ${info.benchPartnerId} and status in ('planned', 'sending', 'failed') and created_at >= ${t0}`;
        if (r.n === 0) break;
        if (Date.now() > deadline) throw new Error(`deliveries still pending after 10 minutes: ${r.n}`);
        await sleep(250);
      }
      const drainSeconds = (Date.now() - t0.getTime()) / 1000 - SECONDS;
      clearInterval(sampler);
      await Promise.all(workers.map((w) => stopChild(w)));
      const [agg] = await sql<{ deliveries: number; first: Date; last: Date; dead: number; retried: number }[]>`
        select count(*) filter (where d.status = 'sent')::int as deliveries, min(d.sent_at) as first, max(d.sent_at) as last,
               count(*) filter (where d.status = 'dead')::int as dead, count(*) filter (where d.attempts > 1)::int as retried
          from deliveries d where d.alert_id = any(${ids}::uuid[])`;
      const perAlert = await sql<{ ms: number }[]>`
        select extract(epoch from (max(d.sent_at) - a.created_at)) * 1000 as ms
          from alerts a join deliveries d on d.alert_id = a.id
         where a.id = any(${ids}::uuid[]) and d.status = 'sent' group by a.id, a.created_at`;
      const perDelivery = await sql<{ ms: number }[]>`
        select extract(epoch from (d.sent_at - a.created_at)) * 1000 as ms
          from alerts a join deliveries d on d.alert_id = a.id where a.id = any(${ids}::uuid[]) and d.status = 'sent'`;
      const deadErrors = await sql<{ channel: string; last_error: string; n: number }[]>`
        select channel::text, last_error, count(*)::int as n from deliveries where alert_id = any(${ids}::uuid[]) and status = 'dead' group by 1, 2`;
      for (const d of deadErrors) log(`  dead: ${d.n} × ${d.channel}: ${d.last_error}`);
      const window = (new Date(agg.last).getTime() - new Date(agg.first).getTime()) / 1000;
      const result: RunResult = {
        workers: p.workers,
        faults: p.faults,
        alerts: ids.length,
        deliveries: agg.deliveries,
        deliveriesPerSecond: agg.deliveries / window,
        alertsPerSecond: perAlert.length / window,
        latencyMs: summarize(perAlert.map((r) => Number(r.ms))),
        deliveryLatencyMs: summarize(perDelivery.map((r) => Number(r.ms))),
        drainSeconds,
        dead: agg.dead,
        retried: agg.retried,
        accepted: { perSecond: accepted.perSecond, errors: accepted.errors },
        workerIdleRss: idle,
        workerPeakRss: peak,
        deadErrors: [...deadErrors],
      };
      runs.push(result);
      log(
        `${p.workers} worker(s)${p.faults ? `, ${p.faults * 100}% PSA faults` : ""}: ${fmt(result.deliveriesPerSecond)} deliveries/s, ${fmt(result.alertsPerSecond)} alerts/s; ` +
          `accept→delivered p50 ${fmt(result.latencyMs.p50)} ms, p99 ${fmt(result.latencyMs.p99)} ms; ${result.dead} dead, ${result.retried} retried`,
      );
    }
    const counts = await (await fetch(`${sinks.controlUrl}/counts`)).json();
    raw.runs = runs;
    raw.sinkCounts = counts;

    // ---- results -----------------------------------------------------------------------------------
    // The sinks' ceiling for this run's mix of PSA and email deliveries.
    const [mix] = await sql<{ psa: number; email: number }[]>`
      select count(*) filter (where channel = 'psa')::int as psa, count(*) filter (where channel = 'email')::int as email
        from deliveries where partner_id = ${info.benchPartnerId} and created_at >= ${runStart} and status = 'sent'`;
    const fPsa = mix.psa / Math.max(1, mix.psa + mix.email);
    const mixCeiling = 1 / (fPsa / psaCeiling.perSecond + (1 - fPsa) / emailCeiling.perSecond);
    raw.mixCeiling = { fPsa, mixCeiling };
    const rows: ResultRow[] = [];
    for (const r of runs) {
      const name = `${r.workers} worker${r.workers > 1 ? "s" : ""}${r.faults ? `, ${Math.round(r.faults * 100)}% PSA faults` : ""}`;
      const key = `delivery-w${r.workers}${r.faults ? "-faults" : ""}`;
      rows.push({
        id: key,
        figure: `Delivery, ${name}: deliveries/s (alerts/s) at ${RATE} alerts/s offered`,
        value: `${fmt(r.deliveriesPerSecond)} (${fmt(r.alertsPerSecond)})`,
        baseline: `fake PSAs + SMTP ceiling for the same mix (${Math.round(fPsa * 100)}% tickets)`,
        baselineValue: fmt(mixCeiling),
        ratio: ratio(r.deliveriesPerSecond, mixCeiling),
        ...(r.workers === 2 && !r.faults ? { target: "≥ 500 deliveries/s", met: r.deliveriesPerSecond >= 500 ? "yes" : `no (${Math.round((r.deliveriesPerSecond / 500) * 100)}% of it)` } : {}),
      });
      rows.push({
        id: `${key}-latency`,
        figure: `Delivery, ${name}: accept→delivered p50 / p99 (ms), per alert`,
        value: `${fmt(r.latencyMs.p50)} / ${fmt(r.latencyMs.p99)}`,
        baseline: "per delivery p50 / p99",
        baselineValue: `${fmt(r.deliveryLatencyMs.p50)} / ${fmt(r.deliveryLatencyMs.p99)}`,
        ratio: "",
        ...(r.workers === 2 && !r.faults && RATE >= 100 ? { target: "p99 < 1 s at 100 alerts/s", met: r.latencyMs.p99 < 1000 ? "yes" : `no (${fmt(r.latencyMs.p99 / 1000)} s)` } : {}),
      });
    }
    const w2 = runs.find((r) => r.workers === 2 && !r.faults) ?? runs[0];
    rows.push({
      id: "footprint-worker",
      figure: "Worker process RSS, idle / under delivery load (MiB)",
      value: `${fmt(w2.workerIdleRss / 2 ** 20)} / ${fmt(w2.workerPeakRss / 2 ** 20)}`,
      baseline: "",
      baselineValue: "",
      ratio: "",
    });
    rows.push({
      id: "delivery-ceiling",
      figure: "Sinks' own ceiling: tickets/s (product PSA clients, 64 concurrent) / emails/s (nodemailer pool of 5)",
      value: `${fmt(psaCeiling.perSecond)} / ${fmt(emailCeiling.perSecond)}`,
      baseline: "",
      baselineValue: "",
      ratio: "",
    });
    writeResults("delivery", rows, raw);
  } finally {
    await setFaults(sinks, 0).catch(() => undefined);
    await sql`delete from alerts where partner_id = ${info.benchPartnerId} and created_at >= ${runStart}`.catch(() => undefined);
    // Leave the data set as the other benchmarks expect it: no dead tuples, visibility map set (index-only scans).
    await sql.unsafe("vacuum (analyze) alerts, deliveries, delivery_attempts").catch(() => undefined);
    await sql.end({ timeout: 5 });
    await closeDb();
    await stopAllChildren();
    await stopChild(sinks.child);
    await bench.stop();
  }
}

runBench(main);
