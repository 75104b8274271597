/**
 * Runs before each integration test file: a fresh database cloned from the migrated template, and
 * fresh local secrets, so every file starts from an empty, isolated state.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { ensureDatabase } from "../../db/embedded";
import { resetEnvCache } from "../../lib/env";

const name = `t_${randomBytes(6).toString("hex")}`;
const url = await ensureDatabase(inject("pgServerUrl"), name, inject("pgTemplate"));
process.env.DATABASE_URL = url;
process.env.SWITCHBOARD_HOME = mkdtempSync(path.join(os.tmpdir(), "switchboard-home-"));
process.env.SWITCHBOARD_SECRET_KEYS = `test:${randomBytes(32).toString("base64")}`;
process.env.BETTER_AUTH_SECRET = randomBytes(32).toString("hex");
process.env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS = "127.0.0.1,localhost";
resetEnvCache();

afterAll(async () => {
  const { closeDb } = await import("../../db");
  await closeDb();
});
