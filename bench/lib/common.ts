/**
 * Shared machinery of the benchmarks: the dedicated embedded PostgreSQL under bench/.data (reused between
 * runs), the environment the product code reads, small statistics helpers, child processes that are always
 * stopped, and the writer of bench/RESULTS.md.
 *
 * Every headline figure is a ratio against a baseline measured in the same run on the same machine (the
 * machines are shared and drift), with the absolute figures beside it for context.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { resetEnvCache } from "@/lib/env";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BENCH_DIR = path.join(ROOT, "bench");
/** bench/.data (gitignored); BENCH_DATA_DIR points a development run at another folder (e.g. bench/.data/dev). */
export const DATA_DIR = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : path.join(BENCH_DIR, ".data");
export const PG_HOME = path.join(DATA_DIR, "pg");
export const APP_HOME = path.join(DATA_DIR, "home");
export const SEED_FILE = path.join(DATA_DIR, "seed.json");
export const RAW_DIR = path.join(DATA_DIR, "results");
/** Development runs (BENCH_DATA_DIR set) write beside their data, not into the committed bench/RESULTS.md. */
export const RESULTS_FILE = process.env.BENCH_DATA_DIR ? path.join(DATA_DIR, "RESULTS.md") : path.join(BENCH_DIR, "RESULTS.md");
export const DB_NAME = "switchboard_bench";
export const TSX_CLI = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
export const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

/**
 * PostgreSQL settings of the benchmark server (ALTER SYSTEM, kept in its data directory). The product's
 * embedded default runs with PostgreSQL's defaults; a 15 GB data set gets a little more memory and a WAL
 * budget that does not checkpoint every few seconds during the bulk load. Both sides of every ratio run on
 * this same server.
 */
export const PG_SETTINGS: Record<string, string> = {
  shared_buffers: "1GB",
  max_wal_size: "16GB",
  maintenance_work_mem: "1GB",
  work_mem: "16MB",
  checkpoint_timeout: "15min",
  // bench:console reads which statements the pages ran (and their plans) from it.
  shared_preload_libraries: "pg_stat_statements",
};

/** Secrets the product reads from the environment, generated once for the bench data set. */
function benchSecrets(): { secretKeys: string; authSecret: string } {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const s = { secretKeys: `bench:${randomBytes(32).toString("base64")}`, authSecret: randomBytes(32).toString("hex") };
  writeFileSync(file, JSON.stringify(s), { mode: 0o600 });
  return s;
}

/** The environment every product process of a benchmark gets (web, workers, in-process code). */
export function productEnv(databaseUrl: string): Record<string, string> {
  const s = benchSecrets();
  return {
    DATABASE_URL: databaseUrl,
    SWITCHBOARD_HOME: APP_HOME,
    SWITCHBOARD_SECRET_KEYS: s.secretKeys,
    BETTER_AUTH_SECRET: s.authSecret,
    SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1,localhost",
    LOG_LEVEL: "warn",
  };
}

/** Points this process's product code (lib/, db/) at the bench database. */
export function useProductEnv(databaseUrl: string): void {
  Object.assign(process.env, productEnv(databaseUrl));
  resetEnvCache();
}

export type BenchDb = { url: string; serverUrl: string; pg: EmbeddedDatabase; stop: () => Promise<void> };

/**
 * Starts the bench PostgreSQL (creating it under bench/.data/pg on first use), applies PG_SETTINGS (a restart
 * when they changed) and the committed migrations, and returns the bench database's URL.
 */
export async function startBenchDb(opts: { create?: boolean } = {}): Promise<BenchDb> {
  mkdirSync(PG_HOME, { recursive: true });
  let pg = await startEmbeddedPostgres({ home: PG_HOME, persistent: true });
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  let changed = false;
  for (const [k, v] of Object.entries(PG_SETTINGS)) {
    const [cur] = await admin.unsafe(`select current_setting('${k}') as v`);
    if (String(cur.v).toLowerCase() !== v.toLowerCase()) {
      await admin.unsafe(`alter system set ${k} = '${v}'`);
      changed = true;
    }
  }
  await admin.end({ timeout: 5 });
  if (changed) {
    await pg.stop();
    pg = await startEmbeddedPostgres({ home: PG_HOME, persistent: true });
  }
  const exists = await databaseExists(pg.url, DB_NAME);
  if (!exists && !opts.create) {
    await pg.stop();
    throw new Error(`The bench database is missing: run \`npm run bench:seed\` first.`);
  }
  const url = await ensureDatabase(pg.url, DB_NAME);
  await runMigrations(url);
  const server = pg;
  return { url, serverUrl: pg.url, pg, stop: () => server.stop() };
}

export async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    return rows.length > 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export type SeedInfo = {
  version: number;
  seed: string;
  scale: number;
  anchor: string;
  counts: Record<string, number>;
  seconds: Record<string, number>;
  benchPartnerId: string;
  benchPartnerName: string;
  login: { email: string; password: string };
  apiKey: string;
  /** Organizations of the bench partner (ids), in name order, with their external refs. */
  sampleOrganizationIds: string[];
  sampleAlertId20: string;
  sampleOrganizationWithRecipients: string;
  vendorSetup: Record<string, { defaults: Record<string, string>; priorityMap: Record<string, string>; companies: { id: string; name: string }[] }>;
  databaseBytes: number;
  databaseBytesByTable: Record<string, number>;
};

export function readSeedInfo(): SeedInfo {
  if (!existsSync(SEED_FILE)) throw new Error("No bench data set: run `npm run bench:seed` first.");
  return JSON.parse(readFileSync(SEED_FILE, "utf8")) as SeedInfo;
}

// ---------------------------------------------------------------------------------------------------------
// Statistics

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, mean, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

export function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(digits);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function machine(): string {
  const cpu = os.cpus();
  const model = (cpu[0]?.model ?? "cpu").replace(/\s+/g, " ").replace(/\(R\)|\(TM\)|CPU |@.*$/g, "").trim();
  const gib = Math.round(os.totalmem() / 2 ** 30);
  const load = os.loadavg()[0].toFixed(1);
  return `${cpu.length}×${model}, ${gib} GiB, load ${load}`;
}

export function log(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Child processes (always stopped: see stopAll)

const children = new Set<ChildProcess>();

export function spawnChild(name: string, command: string, args: string[], env: Record<string, string>, opts: { quiet?: boolean } = {}): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const tail: string[] = [];
  const keep = (d: Buffer) => {
    const s = String(d);
    tail.push(s);
    if (tail.length > 40) tail.shift();
    if (!opts.quiet && process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${s}`);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (code && code !== 0 && !stoppingAll && !stopping.has(child)) process.stderr.write(`[${name}] exited ${code ?? signal}\n${tail.join("")}\n`);
  });
  (child as ChildProcess & { tail?: string[] }).tail = tail;
  return child;
}

let stoppingAll = false;
const stopping = new WeakSet<ChildProcess>();

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  stopping.add(child);
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill(signal);
  });
}

export async function stopAllChildren(): Promise<void> {
  stoppingAll = true;
  await Promise.all([...children].map((c) => stopChild(c)));
  stoppingAll = false;
}

/** Runs a benchmark's main: on failure prints the error, stops the children it started and exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch(async (err) => {
    console.error(err);
    await stopAllChildren();
    process.exit(1);
  });
}

/** Resident set size (bytes) of a process and its descendants, from /proc. */
export function rssOf(pid: number): number {
  const pids = [pid, ...descendants(pid)];
  let total = 0;
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* gone */
    }
  }
  return total;
}

/** CPU seconds (user + system) used so far by a process and its living descendants, from /proc. */
export function cpuSecondsOf(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

/** The bench PostgreSQL server's postmaster pid (its backends are its children). */
export function postgresPid(): number {
  return Number(readFileSync(path.join(PG_HOME, "pgdata", "postmaster.pid"), "utf8").split("\n")[0]);
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    for (const k of kids) out.push(k, ...descendants(k));
  } catch {
    /* gone */
  }
  return out;
}

export async function waitForHttp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { redirect: "manual" });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(300);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Results

export type ResultRow = {
  /** Stable id; a later run replaces the row with the same id. */
  id: string;
  figure: string;
  value: string;
  baseline: string;
  baselineValue: string;
  ratio: string;
  target?: string;
  met?: string;
};

const START = "<!-- results:start -->";
const END = "<!-- results:end -->";
const HEADER = "| Date | Machine | Figure | Value | Baseline | Baseline value | Ratio | Target | Met |\n|---|---|---|---|---|---|---|---|---|";

/**
 * Writes rows into the table between the markers of bench/RESULTS.md, replacing rows with the same id (the
 * id is kept in an HTML comment at the end of the row), and saves the raw numbers under bench/.data/results.
 */
export function writeResults(bench: string, rows: ResultRow[], raw: unknown): void {
  mkdirSync(RAW_DIR, { recursive: true });
  writeFileSync(path.join(RAW_DIR, `${bench}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify(raw, null, 2));
  let text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : `# Benchmark results\n\n${START}\n${HEADER}\n${END}\n`;
  if (!text.includes(START)) text += `\n${START}\n${HEADER}\n${END}\n`;
  const [head, rest] = text.split(START);
  const [table, tail] = rest.split(END);
  const lines = table.split("\n").filter((l) => l.startsWith("|") && !l.startsWith("| Date") && !l.startsWith("|---"));
  const byId = new Map<string, string>();
  const order: string[] = [];
  for (const l of lines) {
    const m = /<!-- id:([^ ]+) -->/.exec(l);
    const id = m ? m[1] : l;
    if (!byId.has(id)) order.push(id);
    byId.set(id, l);
  }
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  const mach = machine();
  const cell = (s: string | undefined) => (s ?? "").replace(/\|/g, "\\|");
  for (const r of rows) {
    const line = `| ${date} | ${cell(mach)} | ${cell(r.figure)} | ${cell(r.value)} | ${cell(r.baseline)} | ${cell(r.baselineValue)} | ${cell(r.ratio)} | ${cell(r.target ?? "")} | ${cell(r.met ?? "")} | <!-- id:${r.id} -->`;
    if (!byId.has(r.id)) order.push(r.id);
    byId.set(r.id, line);
  }
  const body = order.map((id) => byId.get(id)!).join("\n");
  writeFileSync(RESULTS_FILE, `${head}${START}\n${HEADER}\n${body}\n${END}${tail}`);
}

export function ratio(a: number, b: number, digits = 2): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "n/a";
  return `${(a / b).toFixed(digits)}×`;
}
