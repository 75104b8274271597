/**
 * The one postgres-js client and Drizzle instance. Created lazily on first use so scripts and
 * tests can choose DATABASE_URL first; cached on globalThis outside production so Next.js hot
 * reload does not open a new pool per reload.
 */
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything that can run queries: the database or an open transaction. */
export type Executor = Database | Transaction;

type Holder = { client?: postgres.Sql; db?: Database; url?: string };
const holder: Holder = ((globalThis as Record<string, unknown>).__switchboardDb ??= {}) as Holder;

export function getSqlClient(): postgres.Sql {
  const url = env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start Switchboard with `npm start` (it starts the embedded PostgreSQL) or set DATABASE_URL.",
    );
  }
  if (!holder.client || holder.url !== url) {
    holder.client = postgres(url, {
      max: Number(process.env.SWITCHBOARD_DB_POOL ?? 10),
      onnotice: () => {},
      // Keep timestamps as Date objects and let bigint ids come back as numbers where Drizzle maps them.
      connection: { application_name: "switchboard" },
    });
    holder.db = drizzle(holder.client, { schema });
    holder.url = url;
  }
  return holder.client;
}

export function getDb(): Database {
  getSqlClient();
  return holder.db!;
}

/** Lazily-bound Drizzle instance: `db.select()...` anywhere in lib/. */
export const db: Database = new Proxy({} as Database, {
  get(_target, prop) {
    const real = getDb() as unknown as Record<string | symbol, unknown>;
    const value = real[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});

export async function closeDb(): Promise<void> {
  const client = holder.client;
  holder.client = undefined;
  holder.db = undefined;
  holder.url = undefined;
  if (client) await client.end({ timeout: 5 });
}

export { schema };
