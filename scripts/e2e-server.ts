/**
 * The server Playwright tests run against: a fresh embedded PostgreSQL in a temporary folder,
 * migrations applied, then `next start` of the test build (NEXT_DIST_DIR). Writes the database URL
 * to e2e/.auth/runtime.json so tests can create a second partner through the CLI.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { startOAuthServer } from "@/tests/support/oauth-server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.E2E_PORT ?? "3100";
const home = mkdtempSync(path.join(os.tmpdir(), "switchboard-e2e-"));
const pg = await startEmbeddedPostgres({ home, persistent: false });
const databaseUrl = await ensureDatabase(pg.url, "switchboard");
await runMigrations(databaseUrl);
const authDir = path.join(root, "e2e", ".auth", port);
mkdirSync(authDir, { recursive: true });
writeFileSync(path.join(authDir, "runtime.json"), JSON.stringify({ databaseUrl, home }));

// Microsoft and Google admin consent go to a local authorization server (their authorities are configuration).
const oauth = await startOAuthServer();

const env = {
  ...process.env,
  NODE_ENV: "production" as const,
  DATABASE_URL: databaseUrl,
  SWITCHBOARD_HOME: home,
  SWITCHBOARD_URL: `http://127.0.0.1:${port}`,
  SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1,localhost",
  // Many test users sign in from this one address within a minute; e2e/security.spec.ts proves the default limit.
  SWITCHBOARD_SIGN_IN_PER_MINUTE: "100",
  PORT: port,
  NEXT_TELEMETRY_DISABLED: "1",
  MICROSOFT_AUTHORITY: oauth.url,
  MICROSOFT_CLIENT_ID: oauth.options.microsoftClientId,
  MICROSOFT_CLIENT_SECRET: "e2e-microsoft-secret",
  GOOGLE_AUTHORITY: oauth.url,
  GOOGLE_TOKEN_URL: `${oauth.url}/token`,
  GOOGLE_CLIENT_ID: oauth.options.googleClientId,
  GOOGLE_CLIENT_SECRET: oauth.options.googleClientSecret,
};
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const web = spawn(process.execPath, [nextBin, "start", "-p", port, "-H", "127.0.0.1"], { cwd: root, env, stdio: "inherit" });
const children = [web];
const workerScript = path.join(root, "scripts", "worker.ts");
if (process.env.E2E_NO_WORKER !== "1") {
  const { existsSync } = await import("node:fs");
  if (existsSync(workerScript)) {
    const tsxCli = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    children.push(spawn(process.execPath, [tsxCli, workerScript], { cwd: root, env, stdio: "inherit" }));
  }
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
  await oauth.close().catch(() => undefined);
  await pg.stop().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
web.on("exit", () => void stop());
