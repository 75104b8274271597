/**
 * `npm run bench:intake` — alert intake on the large data set: POST /api/v1/alerts (production build, API key)
 * → organization resolved, configuration snapshot taken, planned, alert and every delivery committed.
 *
 * Measured in one run, on the same machine, with the same load generator:
 *   Switchboard      sustained alerts/s with N closed-loop clients; p50/p99 latency at a fixed offered rate
 *   raw PostgreSQL   the same rows (alert with its snapshot + all its deliveries) with one multi-row INSERT
 *                    statement per alert from this script, N connections: the physical limit of this machine
 *   Alertmanager     the same alerts through POST /api/v2/alerts, with an equivalent routing tree
 * plus the web process's resident memory at idle and under this load.
 *
 * Env: BENCH_DURATION_MS (15000), BENCH_INTAKE_CONCURRENCY ("1,8,32"), BENCH_INTAKE_RATE (200).
 */
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { acceptAlert } from "@/lib/delivery/intake";
import { loadSnapshotFor } from "@/lib/delivery/snapshot";
import { planDelivery } from "@/lib/delivery/plan";
import type { DeliveryConfigSnapshot, PlannedDelivery } from "@/lib/delivery/types";
import { closeDb } from "@/db";
import {
  cpuSecondsOf,
  fmt,
  log,
  postgresPid,
  machine,
  ratio,
  readSeedInfo,
  rssOf,
  startBenchDb,
  stopAllChildren,
  stopChild,
  useProductEnv,
  writeResults,
  type ResultRow,
  runBench,
} from "./lib/common";
import { generateAlert, Rng } from "./lib/data";
import { closedLoop, httpClient, openLoop, type LoadResult } from "./lib/load";
import { ensureBuild, startWeb } from "./lib/web";
import { alertmanagerConfig, alertmanagerVersion, ensureAlertmanagerInstalled, startAlertmanager, startWebhookSink } from "./lib/alertmanager";

const DURATION = Number(process.env.BENCH_DURATION_MS ?? 15_000);
const CONCURRENCY = (process.env.BENCH_INTAKE_CONCURRENCY ?? "1,8,32").split(",").map(Number);
const RATE = Number(process.env.BENCH_INTAKE_RATE ?? 200);
const BODIES = 4000;

type Body = { organizationId: string; priority: "low" | "medium" | "high" | "critical"; title: string; summary: string; detectedAt: string; source: string; respondEvents: unknown[]; iocMatches: unknown[] };

/** Samples a process's RSS every 250 ms while `work` runs; returns the peak. */
async function withRssPeak<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const t = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 250);
  try {
    const result = await work();
    return { result, peak };
  } finally {
    clearInterval(t);
  }
}

type Cpu = { web: number; postgres: number; driver: number };
/** CPU seconds spent by the web process (if any), PostgreSQL and this driver process while `work` runs. */
async function withCpu<T>(webPid: number | null, work: () => Promise<T>): Promise<{ result: T; cpu: Cpu }> {
  const pg = postgresPid();
  const w0 = webPid ? cpuSecondsOf(webPid) : 0;
  const p0 = cpuSecondsOf(pg);
  const d0 = process.cpuUsage();
  const result = await work();
  const d = process.cpuUsage(d0);
  return { result, cpu: { web: webPid ? cpuSecondsOf(webPid) - w0 : 0, postgres: cpuSecondsOf(pg) - p0, driver: (d.user + d.system) / 1e6 } };
}
const perAlertMs = (cpu: Cpu, r: LoadResult) => {
  const n = r.ok + r.errors || 1;
  return { web: (cpu.web * 1000) / n, postgres: (cpu.postgres * 1000) / n, driver: (cpu.driver * 1000) / n };
};

const describe = (r: LoadResult) => `${fmt(r.perSecond)}/s (p50 ${fmt(r.latencyMs.p50)} ms, p99 ${fmt(r.latencyMs.p99)} ms, ${r.errors} errors)`;

async function main() {
  const info = readSeedInfo();
  const bench = await startBenchDb();
  useProductEnv(bench.url);
  const raw: Record<string, unknown> = { machine: machine(), seed: { scale: info.scale, alerts: info.counts.alerts }, durationMs: DURATION, concurrency: CONCURRENCY, rate: RATE };
  const runStart = new Date();
  const sqlAdmin = postgres(bench.url, { max: 1, onnotice: () => {} });
  try {
    await ensureBuild();

    // The same alerts for every system: organizations of the bench partner, content like the seed's.
    const rng = new Rng("bench-intake");
    const orgIds = info.sampleOrganizationIds;
    const bodies: Body[] = Array.from({ length: BODIES }, () => {
      const at = new Date();
      const g = generateAlert(rng, at);
      return { organizationId: orgIds[rng.int(orgIds.length)], ...g, detectedAt: at.toISOString(), source: g.source };
    });
    const bodyJson = bodies.map((b) => JSON.stringify(b));

    // ---- Switchboard through the API ---------------------------------------------------------------
    const web = await startWeb(bench.url);
    const http = httpClient(256);
    const auth = { authorization: `Bearer ${info.apiKey}` };
    const post = (i: number) => http.post(`${web.url}/api/v1/alerts`, bodyJson[i % BODIES], auth, (s) => s === 202).then(() => undefined);
    for (let i = 0; i < 60; i++) await post(BODIES - 1 - i); // warm-up: JIT, connection pool, prepared statements
    await new Promise((r) => setTimeout(r, 1500));
    const webIdleRss = rssOf(web.pid);
    const sb: Record<string, LoadResult> = {};
    const sbCpu: Record<string, ReturnType<typeof perAlertMs>> = {};
    let webPeakRss = webIdleRss;
    for (const c of CONCURRENCY) {
      const { result: { result, peak }, cpu } = await withCpu(web.pid, () => withRssPeak(web.pid, () => closedLoop(c, DURATION, post)));
      webPeakRss = Math.max(webPeakRss, peak);
      sb[`c${c}`] = result;
      sbCpu[`c${c}`] = perAlertMs(cpu, result);
      log(`switchboard intake, ${c} clients: ${describe(result)}; CPU ms per alert: web ${fmt(sbCpu[`c${c}`].web, 2)}, PostgreSQL ${fmt(sbCpu[`c${c}`].postgres, 2)}, load generator ${fmt(sbCpu[`c${c}`].driver, 2)}`);
    }
    if (process.env.BENCH_INTAKE_PROFILE_ONLY) {
      // Profiling run (with BENCH_CPU_PROF=1): Switchboard's closed-loop runs only, nothing recorded.
      await http.close();
      await stopChild(web.child);
      return;
    }
    const sbRate = await openLoop(RATE, DURATION, post);
    log(`switchboard intake at ${RATE}/s offered: ${describe(sbRate)}`);
    raw.switchboard = { ...sb, [`rate${RATE}`]: sbRate, webIdleRss, webPeakRss, cpuMsPerAlert: sbCpu };
    await http.close();
    await stopChild(web.child);

    // Every accepted alert is there with all its deliveries.
    const [check] = await sqlAdmin<{ alerts: number; deliveries: number; expected: number }[]>`
      select count(*)::int as alerts, coalesce(sum((select count(*) from deliveries d where d.alert_id = a.id)), 0)::int as deliveries,
             coalesce(sum((a.plan_summary->>'planned')::int + (a.plan_summary->>'skipped')::int), 0)::int as expected
        from alerts a where a.partner_id = ${info.benchPartnerId} and a.created_at >= ${runStart}`;
    raw.storedCheck = check;
    log(`stored: ${check.alerts} alerts, ${check.deliveries} deliveries (plans said ${check.expected})`);

    // ---- diagnostic: the same intake code in this process, without HTTP (where the API's time goes) ---
    const inProc: Record<string, LoadResult> = {};
    const inProcCpu: Record<string, ReturnType<typeof perAlertMs>> = {};
    for (const c of CONCURRENCY) {
      const { result, cpu } = await withCpu(null, () =>
        closedLoop(c, DURATION, async (i) => {
          await acceptAlert({ partnerId: info.benchPartnerId, label: "bench" }, bodies[i % BODIES] as never);
        }),
      );
      inProc[`c${c}`] = result;
      inProcCpu[`c${c}`] = perAlertMs(cpu, result);
      log(`acceptAlert in-process (no HTTP), ${c} callers: ${describe(result)}; CPU ms per alert: node ${fmt(inProcCpu[`c${c}`].driver, 2)}, PostgreSQL ${fmt(inProcCpu[`c${c}`].postgres, 2)}`);
    }
    raw.inProcess = { ...inProc, cpuMsPerAlert: inProcCpu };

    // ---- raw PostgreSQL: the same rows, one multi-row INSERT statement per alert ---------------------
    const snapshots = new Map<string, DeliveryConfigSnapshot>();
    for (const id of new Set(orgIds)) {
      const s = await loadSnapshotFor(info.benchPartnerId, { id });
      if (s) snapshots.set(id, s.snapshot);
    }
    const planned = bodies.map((b) => {
      const snapshot = snapshots.get(b.organizationId)!;
      const plan = planDelivery({ ...b, id: randomUUID(), detectedAt: new Date(b.detectedAt), respondEvents: [], iocMatches: [] }, snapshot);
      return { b, snapshot, plan };
    });
    const maxC = Math.max(...CONCURRENCY);
    const pg = postgres(bench.url, { max: maxC, onnotice: () => {}, connection: { application_name: "bench-raw-insert" } });
    const texts = new Map<number, string>();
    const insertText = (k: number) => {
      let t = texts.get(k);
      if (t) return t;
      const vals = Array.from({ length: k }, (_, j) => {
        const o = 15 + j * 7;
        return `($2, $1, $${o}::delivery_channel, $${o + 1}, $${o + 2}::delivery_status, $${o + 3}, $${o + 4}, $${o + 5}::jsonb, $${o + 6}::timestamptz)`;
      });
      t = `with a as (
             insert into alerts (id, partner_id, organization_id, priority, title, summary, detected_at, source, respond_events, ioc_matches, snapshot, plan_summary, is_test, created_at)
             values ($1::uuid, $2::uuid, $3::uuid, $4::priority, $5, $6, $7::timestamptz, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb, $13::boolean, $14::timestamptz) returning id)
           insert into deliveries (partner_id, alert_id, channel, target, status, rule, reason, payload, next_attempt_at)
           values ${vals.join(", ")}`;
      texts.set(k, t);
      return t;
    };
    const rawInsert = async (i: number) => {
      const { b, snapshot, plan } = planned[i % BODIES];
      const now = new Date();
      const params: unknown[] = [
        randomUUID(), info.benchPartnerId, b.organizationId, b.priority, b.title, b.summary, new Date(b.detectedAt), b.source, b.respondEvents, b.iocMatches, snapshot, plan.summary, false, now,
      ];
      for (const d of plan.deliveries as PlannedDelivery[]) {
        params.push(d.channel, d.target, d.status, d.rule, d.reason, d.channel === "psa" ? { psa: d.psa } : { email: d.email }, d.status === "planned" ? now : null);
      }
      await pg.unsafe(insertText(plan.deliveries.length), params as never[], { prepare: true });
    };
    for (let i = 0; i < 50; i++) await rawInsert(i);
    const pgRes: Record<string, LoadResult> = {};
    const pgCpu: Record<string, ReturnType<typeof perAlertMs>> = {};
    for (const c of CONCURRENCY) {
      const { result, cpu } = await withCpu(null, () => closedLoop(c, DURATION, rawInsert));
      pgRes[`c${c}`] = result;
      pgCpu[`c${c}`] = perAlertMs(cpu, result);
      log(`raw PostgreSQL insert, ${c} connections: ${describe(result)}; CPU ms per alert: PostgreSQL ${fmt(pgCpu[`c${c}`].postgres, 2)}, script ${fmt(pgCpu[`c${c}`].driver, 2)}`);
    }
    raw.rawPostgres = { ...pgRes, cpuMsPerAlert: pgCpu };
    await pg.end({ timeout: 5 });

    // ---- Alertmanager ------------------------------------------------------------------------------
    ensureAlertmanagerInstalled();
    const sink = await startWebhookSink();
    const amConf = alertmanagerConfig([...snapshots.values()], sink.url, { groupWait: "10m" });
    const am = await startAlertmanager(amConf.config);
    log(`alertmanager ${alertmanagerVersion()}: ${amConf.routes} routes, ${amConf.receivers} receivers, ${amConf.destinations} webhooks`);
    const amBodies = bodies.map((b) =>
      JSON.stringify([{ labels: { alertname: "SwitchboardBench", organization: b.organizationId, priority: b.priority, alert_id: "" }, annotations: { title: b.title, summary: b.summary }, startsAt: b.detectedAt }]),
    );
    let seq = 0;
    const http2 = httpClient(256);
    const amPost = (i: number) =>
      http2.post(`${am.url}/api/v2/alerts`, amBodies[i % BODIES].replace('"alert_id":""', `"alert_id":"${++seq}"`), {}, (s) => s === 200).then(() => undefined);
    for (let i = 0; i < 60; i++) await amPost(i);
    const amIdleRss = rssOf(am.pid);
    const amRes: Record<string, LoadResult> = {};
    let amPeakRss = amIdleRss;
    const amCpu: Record<string, ReturnType<typeof perAlertMs>> = {};
    for (const c of CONCURRENCY) {
      const { result: { result, peak }, cpu } = await withCpu(am.pid, () => withRssPeak(am.pid, () => closedLoop(c, DURATION, amPost)));
      amPeakRss = Math.max(amPeakRss, peak);
      amRes[`c${c}`] = result;
      amCpu[`c${c}`] = perAlertMs(cpu, result);
      log(`alertmanager, ${c} clients: ${describe(result)}; CPU ms per alert: alertmanager ${fmt(amCpu[`c${c}`].web, 2)}, load generator ${fmt(amCpu[`c${c}`].driver, 2)}`);
    }
    const amRate = await openLoop(RATE, DURATION, amPost);
    log(`alertmanager at ${RATE}/s offered: ${describe(amRate)}`);
    raw.alertmanager = { version: alertmanagerVersion(), ...amConf, config: undefined, ...amRes, [`rate${RATE}`]: amRate, cpuMsPerAlert: amCpu, idleRss: amIdleRss, peakRss: amPeakRss, notificationsDuringRun: sink.count() };
    await http2.close();
    await am.stop();
    await sink.close();

    // ---- results -----------------------------------------------------------------------------------
    const rows: ResultRow[] = [];
    const best = (m: Record<string, LoadResult>) => Math.max(...Object.values(m).map((r) => r.perSecond));
    for (const c of CONCURRENCY) {
      const s = sb[`c${c}`];
      rows.push({
        id: `intake-c${c}-am`,
        figure: `Intake, ${c} client${c > 1 ? "s" : ""} (alerts/s, committed with all deliveries)`,
        value: fmt(s.perSecond),
        baseline: "Alertmanager POST /api/v2/alerts, same clients",
        baselineValue: fmt(amRes[`c${c}`].perSecond),
        ratio: ratio(s.perSecond, amRes[`c${c}`].perSecond),
      });
      rows.push({
        id: `intake-c${c}-pg`,
        figure: `Intake, ${c} client${c > 1 ? "s" : ""} (alerts/s)`,
        value: fmt(s.perSecond),
        baseline: "raw PostgreSQL multi-row INSERT of the same rows, same connections",
        baselineValue: fmt(pgRes[`c${c}`].perSecond),
        ratio: ratio(s.perSecond, pgRes[`c${c}`].perSecond),
      });
    }
    const sbBest = best(sb);
    rows.push({
      id: "intake-best-am",
      figure: "Intake, best sustained (alerts/s)",
      value: fmt(sbBest),
      baseline: "Alertmanager, best sustained",
      baselineValue: fmt(best(amRes)),
      ratio: ratio(sbBest, best(amRes)),
      target: "≥ 1.0×",
      met: sbBest / best(amRes) >= 1 ? "yes" : `no (${ratio(sbBest, best(amRes))})`,
    });
    rows.push({
      id: "intake-best-pg",
      figure: "Intake, best sustained (alerts/s)",
      value: fmt(sbBest),
      baseline: "raw PostgreSQL, best",
      baselineValue: fmt(best(pgRes)),
      ratio: ratio(sbBest, best(pgRes)),
      target: "≥ 0.3×",
      met: sbBest / best(pgRes) >= 0.3 ? "yes" : `no (${ratio(sbBest, best(pgRes))})`,
    });
    const topC = `c${Math.max(...CONCURRENCY)}`;
    rows.push({
      id: "intake-inprocess",
      figure: `Intake diagnostic, ${Math.max(...CONCURRENCY)} callers: API (alerts/s) vs the same acceptAlert in-process without HTTP`,
      value: fmt(sb[topC].perSecond),
      baseline: "acceptAlert in-process",
      baselineValue: fmt(inProc[topC].perSecond),
      ratio: ratio(sb[topC].perSecond, inProc[topC].perSecond),
    });
    rows.push({
      id: "intake-latency",
      figure: `Intake latency at ${RATE}/s offered, p50 / p99 (ms)`,
      value: `${fmt(sbRate.latencyMs.p50)} / ${fmt(sbRate.latencyMs.p99)}`,
      baseline: `Alertmanager at ${RATE}/s, p50 / p99`,
      baselineValue: `${fmt(amRate.latencyMs.p50)} / ${fmt(amRate.latencyMs.p99)}`,
      ratio: `p99 ${ratio(sbRate.latencyMs.p99, amRate.latencyMs.p99)}`,
    });
    rows.push({
      id: "footprint-web",
      figure: "Web process RSS, idle / under intake load (MiB)",
      value: `${fmt(webIdleRss / 2 ** 20)} / ${fmt(webPeakRss / 2 ** 20)}`,
      baseline: "Alertmanager RSS, idle / under the same load",
      baselineValue: `${fmt(amIdleRss / 2 ** 20)} / ${fmt(amPeakRss / 2 ** 20)}`,
      ratio: ratio(webPeakRss, amPeakRss),
    });
    writeResults("intake", rows, raw);
  } finally {
    // Remove what this run added so the data set stays the seeded one.
    await sqlAdmin`delete from alerts where partner_id = ${info.benchPartnerId} and created_at >= ${runStart}`.catch(() => undefined);
    // Leave the data set as the other benchmarks expect it: no dead tuples, visibility map set (index-only scans).
    await sqlAdmin.unsafe("vacuum (analyze) alerts, deliveries, delivery_attempts").catch(() => undefined);
    await sqlAdmin.end({ timeout: 5 });
    await closeDb();
    await stopAllChildren();
    await bench.stop();
  }
}

runBench(main);
