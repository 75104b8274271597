/**
 * `npm start`: one command for one machine. Starts the embedded PostgreSQL (unless DATABASE_URL is
 * set), applies the committed migrations, creates the first partner/admin from the environment when
 * asked, builds the web app if the build is missing or older than the sources, then runs the web
 * server and a delivery worker. SIGINT/SIGTERM stop the children and then PostgreSQL, cleanly.
 *   --dev   run `next dev` instead of a production build
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { env, resetEnvCache } from "@/lib/env";
import { buildIsStale } from "./build-freshness";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const distDir = process.env.NEXT_DIST_DIR || ".next";
const children: ChildProcess[] = [];
let pg: EmbeddedDatabase | undefined;
let stopping = false;

function log(msg: string) {
  process.stdout.write(`[switchboard] ${msg}\n`);
}

function run(cmd: string, args: string[], extraEnv: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...extraEnv } });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

function startChild(name: string, cmd: string, args: string[], extraEnv: Record<string, string>): ChildProcess {
  const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...extraEnv } });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); shutting down`);
      void shutdown(1);
    }
  });
  return child;
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
          c.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill("SIGTERM");
        }),
    ),
  );
  if (pg) {
    await pg.stop().catch(() => undefined);
    log("PostgreSQL stopped");
  }
  rmSync(path.resolve(env.SWITCHBOARD_HOME, "runtime.json"), { force: true });
  process.exit(code);
}

async function main() {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const home = path.resolve(root, env.SWITCHBOARD_HOME);
  mkdirSync(home, { recursive: true });
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    log(`starting embedded PostgreSQL (data in ${path.relative(root, home) || home}/pgdata)`);
    pg = await startEmbeddedPostgres({ home });
    databaseUrl = await ensureDatabase(pg.url, "switchboard");
    writeFileSync(
      path.join(home, "runtime.json"),
      JSON.stringify({ databaseUrl, pid: process.pid, startedAt: new Date().toISOString() }),
      { mode: 0o600 },
    );
  } else {
    log("using DATABASE_URL");
  }
  process.env.DATABASE_URL = databaseUrl;
  process.env.SWITCHBOARD_HOME = home;
  resetEnvCache();
  await runMigrations(databaseUrl);
  log("migrations applied");

  const { bootstrapFromEnv } = await import("@/lib/auth/bootstrap");
  await bootstrapFromEnv(log);

  const childEnv: Record<string, string> = { DATABASE_URL: databaseUrl, SWITCHBOARD_HOME: home, PORT: String(env.PORT) };
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  if (dev) {
    startChild("web", process.execPath, [nextBin, "dev", "-p", String(env.PORT)], childEnv);
  } else {
    if (buildIsStale(root, distDir)) {
      log("building the web app (first start or sources changed)…");
      const code = await run(process.execPath, [nextBin, "build"], { ...childEnv, NODE_ENV: "production" });
      if (code !== 0) {
        log("build failed");
        return shutdown(1);
      }
    }
    startChild("web", process.execPath, [nextBin, "start", "-p", String(env.PORT)], { ...childEnv, NODE_ENV: "production" });
  }
  const workerScript = path.join(root, "scripts", "worker.ts");
  if (!env.SWITCHBOARD_NO_WORKER && existsSync(workerScript)) {
    const tsxCli = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    startChild("worker", process.execPath, [tsxCli, workerScript], childEnv);
  }
  log(`Switchboard is running at ${env.SWITCHBOARD_URL ?? `http://localhost:${env.PORT}`}  (Ctrl-C to stop)`);
}

main().catch(async (err) => {
  console.error(err);
  await shutdown(1);
});
