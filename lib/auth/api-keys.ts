/**
 * Partner API keys for the alert and telemetry APIs: shown once at creation, stored as SHA-256
 * (a key has 256 random bits, so a fast hash is enough — unlike passwords there is nothing to brute-force).
 */
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { db } from "@/db";
import { apiKeys } from "@/db/schema";
import { writeAudit } from "@/lib/audit";
import { NotFoundError } from "@/lib/errors";
import { actorOf } from "./accounts";
import type { Viewer } from "./viewer";

export const API_KEY_PREFIX = "sbk_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export async function createApiKey(viewer: Viewer, input: { name: string; note?: string }) {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        partnerId: viewer.partnerId,
        name: input.name.trim(),
        prefix: key.slice(0, 12),
        keyHash: hashToken(key),
        createdByUserId: viewer.userId,
      })
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix });
    await writeAudit(tx, actorOf(viewer), {
      action: "api_key.created",
      entityType: "api_key",
      entityId: row.id,
      entityLabel: row.name,
      changes: { name: { to: row.name }, prefix: { to: row.prefix } },
      note: input.note,
    });
    return { ...row, key };
  });
}

export async function listApiKeys(viewer: Viewer) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.partnerId, viewer.partnerId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(viewer: Viewer, input: { id: string; note?: string }) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, input.id), eq(apiKeys.partnerId, viewer.partnerId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, name: apiKeys.name });
    if (!row) throw new NotFoundError("API key");
    await writeAudit(tx, actorOf(viewer), {
      action: "api_key.revoked",
      entityType: "api_key",
      entityId: row.id,
      entityLabel: row.name,
      note: input.note,
    });
  });
}

export type ApiPrincipal = { partnerId: string; apiKeyId: string; label: string };

/** Resolves `Authorization: Bearer sbk_...` to its partner, or null. */
export async function verifyApiKey(authorization: string | null): Promise<ApiPrincipal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!m || !m[1].startsWith(API_KEY_PREFIX) || m[1].length > 200) return null;
  const [row] = await db
    .select({ id: apiKeys.id, partnerId: apiKeys.partnerId, name: apiKeys.name, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashToken(m[1])), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  // Touch last-used at most once a minute: the alert API must not write this row on every call.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.id));
  }
  return { partnerId: row.partnerId, apiKeyId: row.id, label: `API key ${row.name}` };
}
