/**
 * `npm run bench` — seeds the data set if needed, then runs every benchmark in turn, each in its own process
 * (one bench PostgreSQL at a time), and finally the footprint figures. Stops at the first failure.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { BENCH_DIR, log, ROOT, TSX_CLI } from "./lib/common";

const steps = ["seed", "intake", "delivery", "planner", "console", "ingest", "footprint"];
const only = process.argv.slice(2);
for (const step of steps) {
  if (only.length && !only.includes(step)) continue;
  log(`── ${step} ──`);
  const r = spawnSync(process.execPath, [TSX_CLI, path.join(BENCH_DIR, `${step}.ts`)], {
    cwd: ROOT,
    stdio: "inherit",
    // One production build for the whole series: the first step that needs it builds it.
    env: { ...process.env, ...(step !== "seed" && step !== "intake" ? { BENCH_NO_REBUILD: process.env.BENCH_REBUILD ? "" : "1" } : {}) },
  });
  if (r.status !== 0) {
    log(`${step} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}
log("done: results in bench/RESULTS.md");
