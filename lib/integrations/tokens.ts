/**
 * Bearer secrets of this module: per-connection ingest tokens and customer consent-link tokens. 256 random
 * bits each, shown once, stored only as SHA-256 (a fast hash suffices: there is nothing to brute-force).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { hashToken } from "@/lib/auth/api-keys";

export const INGEST_TOKEN_PREFIX = "sbt_";
export const CONSENT_TOKEN_PREFIX = "sbc_";
export const OAUTH_STATE_PREFIX = "sbs_";

export type IssuedToken = { token: string; hash: string; prefix: string };

export function issueToken(prefix: string): IssuedToken {
  const token = `${prefix}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, prefix.length + 6) };
}

/** Constant-time comparison of two hex hashes. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** A token of the expected shape (prefix + 43 base64url characters); anything else is refused unhashed. */
export function looksLikeToken(prefix: string, value: string | null | undefined): value is string {
  return typeof value === "string" && value.length === prefix.length + 43 && value.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(value.slice(prefix.length));
}

export { hashToken };
