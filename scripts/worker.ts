/**
 * `npm run worker`: one delivery worker process. Run as many as you like against one database
 * (R-REL-4); `npm start` runs one beside the web server. Needs DATABASE_URL (or a running `npm start`).
 */
import { readRuntime } from "@/db/runtime";
import { env, resetEnvCache } from "@/lib/env";

if (!env.DATABASE_URL) {
  const rt = readRuntime();
  if (!rt) {
    console.error("DATABASE_URL is not set and no `npm start` is running.");
    process.exit(2);
  }
  process.env.DATABASE_URL = rt.databaseUrl;
  resetEnvCache();
}
const { runWorkerProcess } = await import("@/lib/delivery/run-worker");
await runWorkerProcess();
