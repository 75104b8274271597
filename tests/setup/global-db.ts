/**
 * Vitest globalSetup for integration tests: one real embedded PostgreSQL server per test run, in a
 * throw-away directory, with a migrated template database; each test file clones the template
 * (per-file-db.ts), so files never share state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDatabase, startEmbeddedPostgres } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplate: string;
    pgHome: string;
  }
}

export default async function setup(project: TestProject) {
  const home = mkdtempSync(path.join(os.tmpdir(), "switchboard-test-"));
  const pg = await startEmbeddedPostgres({ home, persistent: false });
  const templateUrl = await ensureDatabase(pg.url, "sb_template");
  await runMigrations(templateUrl);
  project.provide("pgServerUrl", pg.url);
  project.provide("pgTemplate", "sb_template");
  project.provide("pgHome", home);
  return async () => {
    await pg.stop();
    rmSync(home, { recursive: true, force: true });
  };
}
