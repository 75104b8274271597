/**
 * Applies the committed drizzle-kit migrations (db/migrations) to DATABASE_URL or a given URL.
 * Usable as a module (start script, tests) and as a command (`npm run db:migrate`).
 */
import { fileURLToPath } from "node:url";
import path from "node:path";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export async function runMigrations(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end({ timeout: 5 });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { env } = await import("@/lib/env");
  if (!env.DATABASE_URL) {
    console.error("DATABASE_URL is not set (npm start sets it for the embedded PostgreSQL).");
    process.exit(2);
  }
  await runMigrations(env.DATABASE_URL);
  console.log("migrations applied");
}
