/**
 * Alert intake (R-REL-1, R-DEL-1, R-DEL-10): validates and stores an alert together with the
 * configuration snapshot its plan was made from and every planned or skipped delivery, in ONE
 * transaction. The deliveries table is the outbox: workers are woken by NOTIFY, which PostgreSQL
 * delivers only when the transaction commits. Intake never sends anything, and nothing in delivery
 * settings can stop, change or delete an alert — they only decide its deliveries.
 */
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { alerts, deliveries, organizations } from "@/db/schema";
import { ConflictError, isUniqueViolation, NotFoundError } from "@/lib/errors";
import type { AlertInput } from "@/lib/validations/alerts";
import { planDelivery } from "./plan";
import { loadDeliveryConfigSnapshot } from "./snapshot";
import type { AlertForDelivery, DeliveryPlan, PlannedDelivery } from "./types";

export const DELIVERY_CHANNEL_NOTIFY = "switchboard_deliveries";

export type IntakePrincipal = { partnerId: string; label: string };

export type AcceptedAlert = {
  alertId: string;
  organizationId: string;
  duplicate: boolean;
  plan: { planned: number; skipped: number };
  deliveries: { channel: string; target: string; status: string; rule: string; reason: string }[];
};

async function resolveOrganization(tx: Executor, partnerId: string, input: AlertInput): Promise<string> {
  const where = input.organizationId
    ? and(eq(organizations.partnerId, partnerId), eq(organizations.id, input.organizationId))
    : and(eq(organizations.partnerId, partnerId), eq(organizations.externalRef, input.organizationRef!));
  const [org] = await tx.select({ id: organizations.id }).from(organizations).where(where).limit(1);
  if (!org) throw new NotFoundError("Organization");
  return org.id;
}

function deliveryRow(alertId: string, partnerId: string, d: PlannedDelivery, now: Date) {
  return {
    partnerId,
    alertId,
    channel: d.channel,
    target: d.target,
    status: d.status,
    rule: d.rule,
    reason: d.reason,
    payload: (d.channel === "psa" ? { psa: d.psa } : { email: d.email }) as Record<string, unknown>,
    nextAttemptAt: d.status === "planned" ? now : null,
  };
}

async function existingByIdempotencyKey(partnerId: string, key: string): Promise<AcceptedAlert | null> {
  const [row] = await db
    .select({ id: alerts.id, organizationId: alerts.organizationId, planSummary: alerts.planSummary })
    .from(alerts)
    .where(and(eq(alerts.partnerId, partnerId), eq(alerts.idempotencyKey, key)))
    .limit(1);
  if (!row) return null;
  const ds = await db
    .select({ channel: deliveries.channel, target: deliveries.target, status: deliveries.status, rule: deliveries.rule, reason: deliveries.reason })
    .from(deliveries)
    .where(eq(deliveries.alertId, row.id));
  return {
    alertId: row.id,
    organizationId: row.organizationId,
    duplicate: true,
    plan: { planned: row.planSummary.planned ?? 0, skipped: row.planSummary.skipped ?? 0 },
    deliveries: ds,
  };
}

/**
 * Accepts one alert. With an idempotency key, a retried request returns the first result instead of
 * creating a second alert (also under concurrent retries: the unique index decides).
 */
export async function acceptAlert(
  principal: IntakePrincipal,
  input: AlertInput,
  opts: { idempotencyKey?: string; isTest?: boolean } = {},
): Promise<AcceptedAlert> {
  if (opts.idempotencyKey) {
    const prior = await existingByIdempotencyKey(principal.partnerId, opts.idempotencyKey);
    if (prior) return prior;
  }
  const alertId = randomUUID();
  const now = new Date();
  try {
    return await db.transaction(async (tx) => {
      const organizationId = await resolveOrganization(tx, principal.partnerId, input);
      const snapshot = await loadDeliveryConfigSnapshot(tx, principal.partnerId, organizationId);
      if (!snapshot) throw new NotFoundError("Organization");
      const alert: AlertForDelivery = {
        id: alertId,
        organizationId,
        priority: input.priority,
        title: input.title,
        summary: input.summary,
        detectedAt: input.detectedAt ? new Date(input.detectedAt) : now,
        source: input.source ?? null,
        respondEvents: input.respondEvents ?? [],
        iocMatches: input.iocMatches ?? [],
      };
      const plan: DeliveryPlan = planDelivery(alert, snapshot);
      await tx.insert(alerts).values({
        id: alertId,
        partnerId: principal.partnerId,
        organizationId,
        priority: alert.priority,
        title: alert.title,
        summary: alert.summary,
        detectedAt: alert.detectedAt as Date,
        source: alert.source,
        respondEvents: alert.respondEvents,
        iocMatches: alert.iocMatches,
        snapshot: snapshot as unknown as Record<string, unknown>,
        planSummary: plan.summary,
        idempotencyKey: opts.idempotencyKey ?? null,
        isTest: opts.isTest ?? false,
        createdAt: now,
      });
      if (plan.deliveries.length) {
        await tx.insert(deliveries).values(plan.deliveries.map((d) => deliveryRow(alertId, principal.partnerId, d, now)));
      }
      if (plan.summary.planned > 0) {
        await tx.execute(sql`select pg_notify(${DELIVERY_CHANNEL_NOTIFY}, ${alertId})`);
      }
      return {
        alertId,
        organizationId,
        duplicate: false,
        plan: plan.summary,
        deliveries: plan.deliveries.map((d) => ({ channel: d.channel, target: d.target, status: d.status, rule: d.rule, reason: d.reason })),
      };
    });
  } catch (err) {
    if (opts.idempotencyKey && isUniqueViolation(err, "alerts_idempotency_uq")) {
      const prior = await existingByIdempotencyKey(principal.partnerId, opts.idempotencyKey);
      if (prior) return prior;
      throw new ConflictError("A request with this Idempotency-Key is being processed; retry shortly.");
    }
    throw err;
  }
}

