/**
 * The audit log writer (R-SEC-4): who, when, what changed (secrets redacted) and the optional
 * "why" note, written with the caller's transaction so the entry exists exactly when the change does.
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { db } from "@/db";
import { auditLog } from "@/db/schema";

export type Actor = { partnerId: string; userId?: string | null; label: string };
export type Changes = Record<string, { from?: unknown; to?: unknown }>;

const SECRET_KEY = /(secret|password|private|token|apikey|api_key|key$|credential)/i;

export const REDACTED = "[redacted]";

function blankToUndefined(v: unknown): unknown {
  return v === null || v === "" ? undefined : v;
}

const ACRONYMS: Record<string, string> = { psa: "PSA", api: "API", ioc: "IOC", oauth: "OAuth", smtp: "SMTP" };

/** "psa_integration.paused" → "PSA integration paused" for people reading the log. */
export function describeAction(action: string): string {
  const words = action
    .split(/[._]/)
    .filter(Boolean)
    .map((w) => ACRONYMS[w] ?? w);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Field-by-field diff of two flat objects; secret-looking keys and listed keys are redacted. */
export function diffChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  opts: { secretKeys?: string[]; ignore?: string[] } = {},
): Changes {
  const changes: Changes = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (opts.ignore?.includes(key)) continue;
    const from = blankToUndefined(before?.[key]);
    const to = blankToUndefined(after?.[key]);
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    const secret = opts.secretKeys?.includes(key) || SECRET_KEY.test(key);
    changes[key] = secret
      ? { from: from === undefined ? undefined : REDACTED, to: to === undefined ? undefined : REDACTED }
      : { from, to };
  }
  return changes;
}

export async function writeAudit(
  tx: Executor,
  actor: Actor,
  entry: {
    action: string;
    entityType: string;
    entityId?: string | null;
    entityLabel?: string | null;
    changes?: Changes;
    note?: string | null;
  },
): Promise<void> {
  await tx.insert(auditLog).values({
    partnerId: actor.partnerId,
    actorUserId: actor.userId ?? null,
    actorLabel: actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    entityLabel: entry.entityLabel ?? null,
    changes: entry.changes ?? {},
    note: entry.note?.trim() ? entry.note.trim() : null,
  });
}

export const AUDIT_PAGE_SIZE = 50;

export async function listAuditEntries(
  partnerId: string,
  opts: { entityType?: string; entityId?: string; before?: number } = {},
) {
  const where = [eq(auditLog.partnerId, partnerId)];
  if (opts.entityType) where.push(eq(auditLog.entityType, opts.entityType));
  if (opts.entityId) where.push(eq(auditLog.entityId, opts.entityId));
  if (opts.before) where.push(lt(auditLog.id, opts.before));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  return { entries: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}

export async function listAuditEntityTypes(partnerId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ t: auditLog.entityType })
    .from(auditLog)
    .where(eq(auditLog.partnerId, partnerId))
    .orderBy(sql`1`);
  return rows.map((r) => r.t);
}
