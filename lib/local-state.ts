/**
 * Secrets that the embedded default generates once and keeps under SWITCHBOARD_HOME
 * (the auth secret, the credential-encryption key), so `npm start` needs no configuration and a
 * restart keeps sessions and stored credentials readable. Production sets them in the environment.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export function readOrCreateLocalSecret(name: string, make: () => string = () => randomBytes(32).toString("base64")): string {
  const dir = path.resolve(env.SWITCHBOARD_HOME);
  const file = path.join(dir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true });
  const value = make();
  try {
    // "wx": never overwrite a secret another process created a moment ago.
    writeFileSync(file, value + "\n", { mode: 0o600, flag: "wx" });
    return value;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}
