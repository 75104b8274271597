/**
 * `npm run bench:planner` — the routing function alone (lib/delivery/plan.ts planDelivery) on the large
 * configuration: every organization of the bench partner (the largest), alerts of mixed priorities, one
 * thread, plans/s and µs per plan. Baseline in the same run: loading the same organizations' snapshots
 * from PostgreSQL (lib/delivery/snapshot.ts, one prepared statement each), the other half of intake's work
 * before the write. The Routing page's simulate action end to end is measured by bench:console (the page
 * with ?priority=, rendered by the production server), as a ratio to a trivial page.
 *
 * Env: BENCH_PLANNER_MS (10000); BENCH_CPU_PROF=1 writes a V8 CPU profile of the planner loop to bench/.data/prof.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Session } from "node:inspector/promises";
import { closeDb } from "@/db";
import { planDelivery } from "@/lib/delivery/plan";
import { loadSnapshotFor } from "@/lib/delivery/snapshot";
import type { AlertForDelivery, DeliveryConfigSnapshot } from "@/lib/delivery/types";
import { DATA_DIR, fmt, log, machine, ratio, readSeedInfo, startBenchDb, useProductEnv, writeResults, runBench } from "./lib/common";
import { generateAlert, Rng } from "./lib/data";

const MS = Number(process.env.BENCH_PLANNER_MS ?? 10_000);

async function main() {
  const info = readSeedInfo();
  const bench = await startBenchDb();
  useProductEnv(bench.url);
  try {
    const orgIds = info.sampleOrganizationIds;
    // Baseline: snapshot loads, sequential (one round trip each), same organizations.
    const snapshots: DeliveryConfigSnapshot[] = [];
    for (const id of orgIds.slice(0, 50)) await loadSnapshotFor(info.benchPartnerId, { id }); // warm-up
    let t = performance.now();
    for (const id of orgIds) {
      const s = await loadSnapshotFor(info.benchPartnerId, { id });
      if (s) snapshots.push(s.snapshot);
    }
    const loadMs = performance.now() - t;
    const loadsPerSecond = (orgIds.length / loadMs) * 1000;
    log(`snapshot loads: ${fmt(loadsPerSecond)}/s (${fmt(loadMs / orgIds.length, 2)} ms each, ${orgIds.length} organizations)`);

    const rng = new Rng("bench-planner");
    const alerts: AlertForDelivery[] = Array.from({ length: 2000 }, (_, i) => {
      const at = new Date(Date.now() - i * 1000);
      const g = generateAlert(rng, at);
      return { id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, organizationId: "", priority: g.priority, title: g.title, summary: g.summary, detectedAt: at, source: g.source, respondEvents: g.respondEvents, iocMatches: g.iocMatches };
    });
    const stats = { deliveries: 0, planned: 0 };
    const plan = (i: number) => {
      const s = snapshots[i % snapshots.length];
      const a = alerts[i % alerts.length];
      const p = planDelivery({ ...a, organizationId: s.organization.id }, s);
      stats.deliveries += p.deliveries.length;
      stats.planned += p.summary.planned;
    };
    for (let i = 0; i < 20_000; i++) plan(i); // warm-up (JIT)
    stats.deliveries = 0;
    stats.planned = 0;
    const session = process.env.BENCH_CPU_PROF ? new Session() : null;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    let n = 0;
    t = performance.now();
    const end = t + MS;
    while (performance.now() < end) {
      for (let k = 0; k < 200; k++) plan(n++);
    }
    const planMs = performance.now() - t;
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      mkdirSync(path.join(DATA_DIR, "prof"), { recursive: true });
      const file = path.join(DATA_DIR, "prof", `planner-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      log(`CPU profile: ${file}`);
    }
    const plansPerSecond = (n / planMs) * 1000;
    log(`planner: ${fmt(plansPerSecond)} plans/s (${fmt((planMs * 1000) / n, 1)} µs/plan, ${fmt(stats.deliveries / n, 1)} deliveries per plan)`);
    writeResults(
      "planner",
      [
        {
          id: "planner",
          figure: `Planner alone, plans/s (µs/plan; ${fmt(stats.deliveries / n, 1)} destinations per plan)`,
          value: `${fmt(plansPerSecond)} (${fmt((planMs * 1000) / n, 1)} µs)`,
          baseline: "snapshot loads/s from PostgreSQL (one prepared statement, sequential)",
          baselineValue: fmt(loadsPerSecond),
          ratio: ratio(plansPerSecond, loadsPerSecond),
        },
      ],
      { machine: machine(), plansPerSecond, usPerPlan: (planMs * 1000) / n, plans: n, loadsPerSecond, organizations: orgIds.length, deliveriesPerPlan: stats.deliveries / n, plannedPerPlan: stats.planned / n },
    );
  } finally {
    await closeDb();
    await bench.stop();
  }
}

runBench(main);
