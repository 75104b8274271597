/**
 * `npm run bench:console` — console pages on the large data set, production build, signed in as the bench
 * partner's admin (the largest partner). Per page: server response time p50/p95 measured with autocannon
 * (one connection, so it is the server's time per request, not queueing), each as a ratio to a trivial page of
 * the same app measured in the same run (Settings > API keys: the same layout, session and viewer work, one
 * tiny query); then Playwright navigation timings in Debian's Chromium (TTFB, DOMContentLoaded, load) for the
 * browser view. pg_stat_statements records every statement the pages ran; the slowest are shown with
 * EXPLAIN (GENERIC_PLAN) and checked for sequential scans of large tables.
 *
 * Env: BENCH_CONSOLE_SECONDS (8 per page), BENCH_BROWSER_RUNS (5 per page).
 */
import autocannon from "autocannon";
import postgres from "postgres";
import { chromium } from "@playwright/test";
import { closeDb } from "@/db";
import {
  fmt,
  log,
  machine,
  ratio,
  readSeedInfo,
  startBenchDb,
  stopAllChildren,
  stopChild,
  summarize,
  useProductEnv,
  writeResults,
  type ResultRow,
  runBench,
} from "./lib/common";
import { ensureBuild, login, startWeb } from "./lib/web";

const SECONDS = Number(process.env.BENCH_CONSOLE_SECONDS ?? 8);
const BROWSER_RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 5);

type Page = { id: string; name: string; path: string };

async function measure(url: string, cookie: string): Promise<{ latencies: number[]; status: Record<string, number>; bytes: number }> {
  const latencies: number[] = [];
  const status: Record<string, number> = {};
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: 1,
        duration: SECONDS,
        headers: { cookie },
        setupClient: (client) => {
          client.on("response", (statusCode: number, resBytes: number, responseTime: number) => {
            latencies.push(responseTime);
            status[statusCode] = (status[statusCode] ?? 0) + 1;
            bytes = resBytes;
          });
        },
      },
      (err) => (err ? reject(err) : resolve()),
    );
    void instance;
  });
  return { latencies, status, bytes };
}

async function main() {
  const info = readSeedInfo();
  const bench = await startBenchDb();
  useProductEnv(bench.url);
  const sql = postgres(bench.url, { max: 1, onnotice: () => {} });
  const raw: Record<string, unknown> = { machine: machine(), seconds: SECONDS };
  try {
    await ensureBuild();
    await sql`create extension if not exists pg_stat_statements`;
    const [org] = await sql<{ id: string }[]>`select ${info.sampleOrganizationWithRecipients}::uuid as id`;
    const [{ n: orgCount }] = await sql<{ n: number }[]>`select count(*)::int as n from organizations where partner_id = ${info.benchPartnerId}`;
    const lastPage = Math.max(1, Math.ceil(orgCount / 25));
    const [busyOrg] = await sql<{ id: string }[]>`
      select organization_id as id from alerts where partner_id = ${info.benchPartnerId} and created_at > now() - interval '7 days'
       group by 1 order by count(*) desc limit 1`;
    const pages: Page[] = [
      { id: "trivial", name: "Settings > API keys (trivial page)", path: "/settings/api-keys" },
      { id: "orgs-1", name: "Organizations, page 1", path: "/organizations" },
      { id: "orgs-deep", name: `Organizations, page ${lastPage} (last)`, path: `/organizations?page=${lastPage}` },
      { id: "orgs-search", name: "Organizations, search \"dental\"", path: "/organizations?q=dental" },
      { id: "org-settings", name: "Organization Settings tab (most recipients)", path: `/organizations/${org.id}/settings` },
      { id: "alerts", name: "Alerts list, unfiltered", path: "/alerts" },
      { id: "alerts-filtered", name: "Alerts list, filters: organization + critical + has failed", path: `/alerts?org=${busyOrg.id}&priority=critical&outcome=failed` },
      { id: "alerts-filtered2", name: "Alerts list, filters: high + has skipped", path: "/alerts?priority=high&outcome=skipped" },
      { id: "alert-20", name: "Alert page with 20 deliveries", path: `/alerts/${info.sampleAlertId20}` },
      { id: "routing", name: "Routing grid", path: `/routing?org=${org.id}` },
      { id: "routing-simulate", name: "Routing, simulate action (high)", path: `/routing?org=${org.id}&priority=high&title=Simulated+alert` },
    ];

    const web = await startWeb(bench.url);
    const cookie = await login(web.url, info.login.email, info.login.password);
    // Warm every page (first render compiles and fills caches), and check each answers 200.
    for (const p of pages) {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${web.url}${p.path}`, { headers: { cookie }, redirect: "manual" });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${p.path} answered ${res.status}`);
      }
    }
    await sql`select pg_stat_statements_reset()`;
    const server: Record<string, { p50: number; p95: number; p99: number; n: number; bytes: number; status: Record<string, number> }> = {};
    // Interleave the trivial page between the others so drift affects both sides alike.
    for (const p of pages) {
      const r = await measure(`${web.url}${p.path}`, cookie);
      const s = summarize(r.latencies);
      server[p.id] = { p50: s.p50, p95: s.p95, p99: s.p99, n: s.n, bytes: r.bytes, status: r.status };
      log(`${p.name}: p50 ${fmt(s.p50)} ms, p95 ${fmt(s.p95)} ms (${s.n} requests, ${fmt(r.bytes / 1024)} KiB)`);
      if (p.id !== "trivial") {
        const t = await measure(`${web.url}${pages[0].path}`, cookie);
        const ts = summarize(t.latencies);
        server[`trivial-after-${p.id}`] = { p50: ts.p50, p95: ts.p95, p99: ts.p99, n: ts.n, bytes: t.bytes, status: t.status };
      }
    }
    raw.server = server;

    // The statements behind those pages: slowest by mean time, with generic plans.
    const statements = await sql<{ query: string; calls: number; mean_ms: number; total_ms: number; rows: number }[]>`
      select query, calls::int, mean_exec_time as mean_ms, total_exec_time as total_ms, rows::int
        from pg_stat_statements
       where dbid = (select oid from pg_database where datname = current_database())
         and query !~* '^(begin|commit|set|show|select pg_stat|create extension|explain)'
         and calls >= 3
       order by mean_exec_time desc limit 12`;
    const plans: { query: string; mean_ms: number; calls: number; plan: string; seqScans: string[] }[] = [];
    for (const st of statements) {
      let plan = "";
      try {
        const rows = await sql.unsafe(`explain (generic_plan) ${st.query}`);
        plan = rows.map((r) => String(r["QUERY PLAN"])).join("\n");
      } catch (err) {
        plan = `(no generic plan: ${(err as Error).message})`;
      }
      const seqScans = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]);
      plans.push({ query: st.query.replace(/\s+/g, " ").slice(0, 400), mean_ms: st.mean_ms, calls: st.calls, plan, seqScans });
    }
    const sizes = await sql<{ name: string; rows: number }[]>`select relname as name, n_live_tup::int as rows from pg_stat_user_tables`;
    const rowsOf = new Map(sizes.map((s) => [s.name, s.rows]));
    raw.statements = plans;
    const bigSeq = plans.flatMap((p) => p.seqScans.filter((t) => (rowsOf.get(t) ?? 0) > 10_000).map((t) => `${t} (${p.query.slice(0, 80)}…)`));
    log(`slowest statement: ${fmt(plans[0]?.mean_ms ?? 0, 2)} ms mean — ${plans[0]?.query.slice(0, 120)}`);
    log(bigSeq.length ? `sequential scans of large tables: ${bigSeq.join("; ")}` : "no sequential scan of a table over 10,000 rows in the pages' statements");

    // Browser view: Playwright navigation timings in Debian's Chromium.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    });
    const context = await browser.newContext();
    await context.addCookies(
      cookie.split("; ").map((c) => {
        const i = c.indexOf("=");
        return { name: c.slice(0, i), value: c.slice(i + 1), url: web.url };
      }),
    );
    const page = await context.newPage();
    const nav: Record<string, { ttfb: number; dcl: number; load: number }> = {};
    for (const p of pages) {
      const t: { ttfb: number[]; dcl: number[]; load: number[] } = { ttfb: [], dcl: [], load: [] };
      for (let i = 0; i < BROWSER_RUNS + 1; i++) {
        await page.goto(`${web.url}${p.path}`, { waitUntil: "load" });
        const e = await page.evaluate(() => {
          const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          return { ttfb: n.responseStart - n.requestStart, dcl: n.domContentLoadedEventEnd - n.startTime, load: n.loadEventEnd - n.startTime };
        });
        if (i === 0) continue; // first visit fills the browser cache
        t.ttfb.push(e.ttfb);
        t.dcl.push(e.dcl);
        t.load.push(e.load);
      }
      nav[p.id] = { ttfb: summarize(t.ttfb).p50, dcl: summarize(t.dcl).p50, load: summarize(t.load).p50 };
      log(`browser ${p.name}: TTFB ${fmt(nav[p.id].ttfb)} ms, DOMContentLoaded ${fmt(nav[p.id].dcl)} ms, load ${fmt(nav[p.id].load)} ms`);
    }
    await browser.close();
    raw.browser = nav;
    await stopChild(web.child);

    // ---- results -----------------------------------------------------------------------------------
    const rows: ResultRow[] = [];
    for (const p of pages.slice(1)) {
      const s = server[p.id];
      // The trivial page measured right after this one and at the start: the mean of both.
      const t0 = server.trivial;
      const t1 = server[`trivial-after-${p.id}`];
      const tp50 = (t0.p50 + t1.p50) / 2;
      const tp95 = (t0.p95 + t1.p95) / 2;
      const r95 = s.p95 / tp95;
      rows.push({
        id: `console-${p.id}`,
        figure: `${p.name}: server p50 / p95 (ms)`,
        value: `${fmt(s.p50)} / ${fmt(s.p95)}`,
        baseline: "trivial page p50 / p95, same run",
        baselineValue: `${fmt(tp50)} / ${fmt(tp95)}`,
        ratio: `p95 ${ratio(s.p95, tp95)}`,
        target: "p95 ≤ 3×",
        met: r95 <= 3 ? "yes" : `no (${r95.toFixed(1)}×)`,
      });
      rows.push({
        id: `console-${p.id}-browser`,
        figure: `${p.name}: browser TTFB / DOMContentLoaded / load, median (ms)`,
        value: `${fmt(nav[p.id].ttfb)} / ${fmt(nav[p.id].dcl)} / ${fmt(nav[p.id].load)}`,
        baseline: "trivial page, same browser",
        baselineValue: `${fmt(nav.trivial.ttfb)} / ${fmt(nav.trivial.dcl)} / ${fmt(nav.trivial.load)}`,
        ratio: `load ${ratio(nav[p.id].load, nav.trivial.load)}`,
      });
    }
    rows.push({
      id: "console-slowest-statement",
      figure: "Slowest statement behind these pages (mean ms) — plan in bench/RESULTS.md notes",
      value: fmt(plans[0]?.mean_ms ?? 0, 2),
      baseline: "sequential scans of tables over 10,000 rows",
      baselineValue: bigSeq.length ? bigSeq.join("; ").slice(0, 200) : "none",
      ratio: "",
      target: "no query without an index",
      met: bigSeq.length ? "no" : "yes",
    });
    writeResults("console", rows, raw);
  } finally {
    await sql.end({ timeout: 5 });
    await closeDb();
    await stopAllChildren();
    await bench.stop();
  }
}

runBench(main);
