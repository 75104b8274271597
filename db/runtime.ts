/**
 * Finds the database for command-line tools: DATABASE_URL if set; else the embedded server that a
 * running `npm start` recorded in SWITCHBOARD_HOME/runtime.json; else starts the embedded server for
 * the duration of the command.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { ensureDatabase, startEmbeddedPostgres } from "./embedded";
import { runMigrations } from "./migrate";

export type Runtime = { databaseUrl: string; pid: number; startedAt: string };

export function runtimeFile(): string {
  return path.resolve(env.SWITCHBOARD_HOME, "runtime.json");
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readRuntime(): Runtime | null {
  const file = runtimeFile();
  if (!existsSync(file)) return null;
  try {
    const rt = JSON.parse(readFileSync(file, "utf8")) as Runtime;
    return processAlive(rt.pid) ? rt : null;
  } catch {
    return null;
  }
}

/** Runs fn with DATABASE_URL pointing at a migrated database, starting the embedded one if needed. */
export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  if (env.DATABASE_URL) return fn(env.DATABASE_URL);
  const rt = readRuntime();
  if (rt) {
    process.env.DATABASE_URL = rt.databaseUrl;
    return fn(rt.databaseUrl);
  }
  const pg = await startEmbeddedPostgres({ home: env.SWITCHBOARD_HOME });
  try {
    const url = await ensureDatabase(pg.url, "switchboard");
    await runMigrations(url);
    process.env.DATABASE_URL = url;
    return await fn(url);
  } finally {
    await pg.stop();
  }
}
