/**
 * Per-account sign-in throttle. better-auth limits sign-in per client address (5 a minute), but the address is
 * whatever X-Forwarded-For says when no proxy in front rewrites it (`next start` only fills the header in when a
 * client sent none), so an attacker rotating that header could try passwords against one account without end.
 * This limit follows the account instead: after MAX_FAILURES failed sign-ins within WINDOW_MS, further attempts
 * for that email are refused (429) until the window has passed; a successful sign-in clears the count.
 * Counters live in better-auth's rate_limit table under a hashed key (no address or email stored in clear).
 */
import { createHash, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { rateLimit } from "@/db/schema";

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const SIGN_IN_MAX_FAILURES = 10;

function keyFor(email: string): string {
  return `sign-in-failures:${createHash("sha256").update(email.trim().toLowerCase()).digest("hex")}`;
}

/** Seconds until this account may try again, or null when it may try now. */
export async function signInRetryAfter(email: string, now = Date.now()): Promise<number | null> {
  const rows = await db.execute<{ count: number; last_request: string }>(
    sql`select count, last_request::text from ${rateLimit} where key = ${keyFor(email)} limit 1`,
  );
  const row = rows[0];
  if (!row) return null;
  const last = Number(row.last_request);
  if (row.count < SIGN_IN_MAX_FAILURES || now - last >= SIGN_IN_WINDOW_MS) return null;
  return Math.max(1, Math.ceil((last + SIGN_IN_WINDOW_MS - now) / 1000));
}

export async function recordSignInFailure(email: string, now = Date.now()): Promise<void> {
  await db.execute(sql`
    insert into ${rateLimit} (id, key, count, last_request) values (${randomUUID()}, ${keyFor(email)}, 1, ${now})
    on conflict (key) do update set
      count = case when ${rateLimit}.last_request < ${now - SIGN_IN_WINDOW_MS} then 1 else ${rateLimit}.count + 1 end,
      last_request = ${now}`);
}

export async function clearSignInFailures(email: string): Promise<void> {
  await db.execute(sql`delete from ${rateLimit} where key = ${keyFor(email)}`);
}
