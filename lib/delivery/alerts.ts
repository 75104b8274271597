/**
 * Reading alerts and their deliveries for the console and the API, always filtered by partner
 * (and by the technician's organizations).
 */
import { and, asc, count, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import { db } from "@/db";
import { alerts, deliveries, deliveryAttempts, organizations, psaIntegrations } from "@/db/schema";
import type { Viewer } from "@/lib/auth/viewer";
import { NotFoundError } from "@/lib/errors";
import type { Priority } from "./types";

export const ALERTS_PAGE_SIZE = 25;
export const OUTCOMES = ["sent", "pending", "failed", "skipped"] as const;
export type Outcome = (typeof OUTCOMES)[number];

type Scope = { partnerId: string; organizationIds: string[] | null };

function scope(v: Scope): SQL[] {
  const where: SQL[] = [eq(alerts.partnerId, v.partnerId)];
  if (v.organizationIds !== null) where.push(v.organizationIds.length ? inArray(alerts.organizationId, v.organizationIds) : sql`false`);
  return where;
}

export async function getAlertWithDeliveries(v: Scope, alertId: string) {
  const [alert] = await db
    .select({
      id: alerts.id,
      organizationId: alerts.organizationId,
      organizationName: organizations.name,
      priority: alerts.priority,
      title: alerts.title,
      summary: alerts.summary,
      detectedAt: alerts.detectedAt,
      source: alerts.source,
      respondEvents: alerts.respondEvents,
      iocMatches: alerts.iocMatches,
      planSummary: alerts.planSummary,
      isTest: alerts.isTest,
      createdAt: alerts.createdAt,
    })
    .from(alerts)
    .innerJoin(organizations, eq(organizations.id, alerts.organizationId))
    .where(and(eq(alerts.id, alertId), ...scope(v)))
    .limit(1);
  if (!alert) throw new NotFoundError("Alert");
  const ds = await db
    .select({
      id: deliveries.id,
      channel: deliveries.channel,
      target: deliveries.target,
      status: deliveries.status,
      rule: deliveries.rule,
      reason: deliveries.reason,
      payload: deliveries.payload,
      attempts: deliveries.attempts,
      nextAttemptAt: deliveries.nextAttemptAt,
      externalRef: deliveries.externalRef,
      lastError: deliveries.lastError,
      sentAt: deliveries.sentAt,
      updatedAt: deliveries.updatedAt,
    })
    .from(deliveries)
    .where(eq(deliveries.alertId, alertId))
    .orderBy(asc(deliveries.channel), asc(deliveries.target));
  return { alert, deliveries: ds };
}

export async function listAttempts(v: Scope, deliveryIds: string[]) {
  if (!deliveryIds.length) return [];
  return db
    .select({
      deliveryId: deliveryAttempts.deliveryId,
      attempt: deliveryAttempts.attempt,
      startedAt: deliveryAttempts.startedAt,
      durationMs: deliveryAttempts.durationMs,
      outcome: deliveryAttempts.outcome,
      httpStatus: deliveryAttempts.httpStatus,
      error: deliveryAttempts.error,
    })
    .from(deliveryAttempts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
    .where(and(inArray(deliveryAttempts.deliveryId, deliveryIds), eq(deliveries.partnerId, v.partnerId)))
    .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.attempt));
}

export type AlertListFilters = { organizationId?: string; priority?: Priority; outcome?: Outcome; page?: number };

/** Alerts newest first, with outcome counts per alert; filtered and paginated in SQL. */
export async function listAlerts(v: Scope, f: AlertListFilters) {
  const page = Math.max(1, Math.min(f.page ?? 1, 10_000));
  const where = scope(v);
  if (f.organizationId) where.push(eq(alerts.organizationId, f.organizationId));
  if (f.priority) where.push(eq(alerts.priority, f.priority));
  if (f.outcome === "skipped") {
    // Skips are decided at intake (lib/delivery/plan.ts) and never change, and intake stores their count on the
    // alert: no look into the deliveries table (on a large tenant that semi-join read ~20 delivery rows per alert).
    where.push(sql`coalesce((${alerts.planSummary}->>'skipped')::int, 0) > 0`);
  } else if (f.outcome) {
    const statuses =
      f.outcome === "sent" ? ["sent"] : f.outcome === "pending" ? ["planned", "sending"] : ["failed", "dead"];
    where.push(
      sql`exists (select 1 from ${deliveries} d where d.alert_id = ${alerts.id} and d.status in ${sql.raw(`(${statuses.map((s) => `'${s}'`).join(",")})`)})`,
    );
  }
  const rows = await db
    .select({
      id: alerts.id,
      organizationId: alerts.organizationId,
      organizationName: organizations.name,
      priority: alerts.priority,
      title: alerts.title,
      isTest: alerts.isTest,
      createdAt: alerts.createdAt,
    })
    .from(alerts)
    .innerJoin(organizations, eq(organizations.id, alerts.organizationId))
    .where(and(...where))
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(ALERTS_PAGE_SIZE + 1)
    .offset((page - 1) * ALERTS_PAGE_SIZE);
  const pageRows = rows.slice(0, ALERTS_PAGE_SIZE);
  const ids = pageRows.map((r) => r.id);
  const counts = ids.length
    ? await db
        .select({ alertId: deliveries.alertId, status: deliveries.status, n: count() })
        .from(deliveries)
        .where(inArray(deliveries.alertId, ids))
        .groupBy(deliveries.alertId, deliveries.status)
    : [];
  const byAlert = new Map<string, Record<string, number>>();
  for (const c of counts) {
    const m = byAlert.get(c.alertId) ?? {};
    m[c.status] = c.n;
    byAlert.set(c.alertId, m);
  }
  return {
    rows: pageRows.map((r) => {
      const c = byAlert.get(r.id) ?? {};
      return {
        ...r,
        outcomes: {
          sent: c.sent ?? 0,
          pending: (c.planned ?? 0) + (c.sending ?? 0),
          failed: (c.failed ?? 0) + (c.dead ?? 0),
          skipped: c.skipped ?? 0,
        },
      };
    }),
    page,
    hasMore: rows.length > ALERTS_PAGE_SIZE,
  };
}

/** Sent/failed counts per destination over the last 24 h and the last success (Routing health panel). */
export async function destinationHealth(partnerId: string) {
  const since = new Date(Date.now() - 24 * 3600_000);
  const rows = await db
    .select({
      channel: deliveries.channel,
      target: sql<string>`case when ${deliveries.channel} = 'email' then 'email' else ${deliveries.target} end`,
      sent: sql<number>`count(*) filter (where ${deliveries.status} = 'sent')::int`,
      failed: sql<number>`count(*) filter (where ${deliveries.status} in ('failed', 'dead'))::int`,
      pending: sql<number>`count(*) filter (where ${deliveries.status} in ('planned', 'sending'))::int`,
      lastSuccess: sql<Date | null>`max(${deliveries.sentAt})`,
    })
    .from(deliveries)
    .where(and(eq(deliveries.partnerId, partnerId), gte(deliveries.updatedAt, since)))
    .groupBy(sql`1`, sql`2`);
  return rows;
}


/** PSA integrations with their worker-reported health (circuit state), for the health panel. */
export async function listIntegrationHealth(partnerId: string) {
  return db
    .select({ id: psaIntegrations.id, name: psaIntegrations.name, vendor: psaIntegrations.vendor, status: psaIntegrations.status, health: psaIntegrations.health })
    .from(psaIntegrations)
    .where(eq(psaIntegrations.partnerId, partnerId))
    .orderBy(asc(psaIntegrations.name));
}
