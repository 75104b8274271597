/**
 * The production web server for benchmarks: its own build folder (.next-bench, rebuilt when sources are newer),
 * `next start` on a free loopback port against the bench database, and a signed-in session cookie.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "@/db/embedded";
import { buildIsStale } from "../../scripts/build-freshness";
import { DATA_DIR, log, NEXT_BIN, productEnv, ROOT, spawnChild, waitForHttp } from "./common";

export const NEXT_DIST_DIR = ".next-bench";

/**
 * Builds the production bundle into .next-bench unless it is newer than app/, components/, lib/ and db/
 * (BENCH_REBUILD=1 forces a build; BENCH_NO_REBUILD=1 reuses an existing one, e.g. for several runs in a row).
 */
export async function ensureBuild(): Promise<void> {
  const buildId = path.join(ROOT, NEXT_DIST_DIR, "BUILD_ID");
  if (existsSync(buildId) && (process.env.BENCH_NO_REBUILD || !buildIsStale(ROOT, NEXT_DIST_DIR)) && !process.env.BENCH_REBUILD) return;
  log(`building the production web app into ${NEXT_DIST_DIR} (sources changed)…`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [NEXT_BIN, "build"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", NEXT_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error("next build failed");
}

export type Web = { url: string; child: ChildProcess; pid: number };

export async function startWeb(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<Web> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_CPU_PROF=1: a V8 CPU profile of the web process, written when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.join(DATA_DIR, "prof")}`] : [];
  const child = spawnChild("web", process.execPath, [...prof, NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    ...productEnv(databaseUrl),
    NODE_ENV: "production",
    NEXT_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: "1",
    SWITCHBOARD_URL: url,
    PORT: String(port),
    ...extraEnv,
  });
  await waitForHttp(`${url}/login`);
  return { url, child, pid: child.pid! };
}

/** Signs in through better-auth's endpoint and returns the Cookie header value. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (!cookies.length) throw new Error("sign-in returned no cookie");
  return cookies.join("; ");
}
