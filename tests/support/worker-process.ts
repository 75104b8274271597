/** Starts `scripts/worker.ts` as a real child process (crash tests kill it with SIGKILL). */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function spawnWorker(env: Record<string, string>): ChildProcess {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "scripts/worker.ts")], {
    cwd: root,
    // A worker is a production process, not a test: drop the test runner's variables (with VITEST set,
    // module loading in the child stalls).
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))),
      NODE_ENV: "production",
      ...env,
      LOG_LEVEL: process.env.DEBUG_WORKERS ? "debug" : "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Keep the last lines of output: a test that fails shows why its worker died.
  const tail: string[] = [];
  const keep = (d: Buffer) => {
    tail.push(String(d));
    if (tail.length > 50) tail.shift();
    if (process.env.DEBUG_WORKERS) appendFileSync(process.env.DEBUG_WORKERS, `[worker ${child.pid}] ${d}`);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  (child as ChildProcess & { outputTail?: string[] }).outputTail = tail;
  return child;
}

export function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
  });
}
