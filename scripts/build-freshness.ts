/**
 * Whether a production build (its BUILD_ID) is older than the sources it was built from: `npm start` rebuilds
 * then, and so do the benchmarks for their own build folder.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function buildIsStale(root: string, distDir: string): boolean {
  const buildId = path.join(root, distDir, "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = Math.max(
    ...["app", "components", "lib", "db"].map((d) => newestMtime(path.join(root, d))),
    ...["package-lock.json", "next.config.js", "postcss.config.mjs", "proxy.ts"].map((f) =>
      existsSync(path.join(root, f)) ? statSync(path.join(root, f)).mtimeMs : 0,
    ),
  );
  return sources > built;
}
