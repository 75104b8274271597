/**
 * Instance identity (R-INT-4): two connections with the same application and the same identity values
 * (API URL + key id, tenant id ...) are the same source instance, and connecting it to a second
 * organization may duplicate events or alerts. Server-only (hashing).
 */
import { createHash } from "node:crypto";
import type { AppDefinition } from "./catalog";

function normalise(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
}

/**
 * SHA-256 over the application's identity fields, normalised (scheme, case and trailing slashes do not
 * make a different instance). Hashed because identity fields may be secret (an API key). null until every
 * identity field is known (e.g. before an OAuth consent has recorded the tenant).
 */
export function instanceKeyFor(app: AppDefinition, values: Record<string, string | undefined>): string | null {
  const parts: string[] = [];
  for (const key of app.identity) {
    const v = values[key];
    if (!v || !v.trim()) return null;
    parts.push(normalise(v));
  }
  return createHash("sha256").update(`${app.type}\n${parts.join("\n")}`, "utf8").digest("hex");
}
