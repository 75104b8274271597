/**
 * Alert intake (R-REL-1, R-DEL-1, R-DEL-10): validates and stores an alert together with the
 * configuration snapshot its plan was made from and every planned or skipped delivery, in ONE
 * transaction (one statement). The deliveries table is the outbox: workers are woken by NOTIFY, which PostgreSQL
 * delivers only when the transaction commits. Intake never sends anything, and nothing in delivery
 * settings can stop, change or delete an alert — they only decide its deliveries.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { db, getSqlClient } from "@/db";
import { alerts, deliveries } from "@/db/schema";
import { ConflictError, isUniqueViolation, NotFoundError } from "@/lib/errors";
import type { AlertInput } from "@/lib/validations/alerts";
import { planDelivery } from "./plan";
import { loadSnapshotFor } from "./snapshot";
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

/** One delivery as a row of the insert's jsonb_to_recordset (payload as the planner produced it). */
function deliveryRow(d: PlannedDelivery) {
  return {
    channel: d.channel,
    target: d.target,
    status: d.status,
    rule: d.rule,
    reason: d.reason,
    payload: d.channel === "psa" ? { psa: d.psa } : { email: d.email },
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
 * Stores the alert and all its deliveries in ONE statement — one implicit transaction (R-REL-1) — with
 * data-modifying CTEs; the NOTIFY rides in the same statement and is delivered at commit. Prepared once
 * per connection, so a steady-state intake is two round trips in all: the snapshot and this.
 */
const INSERT_ALERT_SQL = `
  with a as (
    insert into alerts (id, partner_id, organization_id, priority, title, summary, detected_at, source,
                        respond_events, ioc_matches, snapshot, plan_summary, idempotency_key, is_test, created_at)
    values ($1::uuid, $2::uuid, $3::uuid, $4::priority, $5::text, $6::text, $7::timestamptz, $8::text,
            $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb, $13::text, $14::boolean, $15::timestamptz)
    returning id
  ),
  d as (
    insert into deliveries (partner_id, alert_id, channel, target, status, rule, reason, payload, next_attempt_at)
    select $2::uuid, a.id, x.channel::delivery_channel, x.target, x.status::delivery_status, x.rule, x.reason, x.payload,
           case when x.status = 'planned' then $15::timestamptz end
      from a, jsonb_to_recordset($16::jsonb) as x(channel text, target text, status text, rule text, reason text, payload jsonb)
    returning 1
  )
  select (select count(*) from d)::int as deliveries,
         case when $17::boolean then pg_notify('${DELIVERY_CHANNEL_NOTIFY}', (select id::text from a)) end as notified`;

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
    // The organization and the configuration snapshot in one statement (lib/delivery/snapshot.ts).
    const found = await loadSnapshotFor(
      principal.partnerId,
      input.organizationId ? { id: input.organizationId } : { ref: input.organizationRef! },
    );
    if (!found) throw new NotFoundError("Organization");
    const { organizationId, snapshot } = found;
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
    // The shared client is Drizzle's: its date and json serializers pass values through, so those
    // parameters go as ISO strings and JSON text.
    await getSqlClient().unsafe(
      INSERT_ALERT_SQL,
      [
        alertId,
        principal.partnerId,
        organizationId,
        alert.priority,
        alert.title,
        alert.summary,
        (alert.detectedAt as Date).toISOString(),
        alert.source ?? null,
        JSON.stringify(alert.respondEvents),
        JSON.stringify(alert.iocMatches),
        JSON.stringify(snapshot),
        JSON.stringify(plan.summary),
        opts.idempotencyKey ?? null,
        opts.isTest ?? false,
        now.toISOString(),
        JSON.stringify(plan.deliveries.map((d) => deliveryRow(d))),
        plan.summary.planned > 0,
      ],
      { prepare: true },
    );
    return {
      alertId,
      organizationId,
      duplicate: false,
      plan: plan.summary,
      deliveries: plan.deliveries.map((d) => ({ channel: d.channel, target: d.target, status: d.status, rule: d.rule, reason: d.reason })),
    };
  } catch (err) {
    if (opts.idempotencyKey && isUniqueViolation(err, "alerts_idempotency_uq")) {
      const prior = await existingByIdempotencyKey(principal.partnerId, opts.idempotencyKey);
      if (prior) return prior;
      throw new ConflictError("A request with this Idempotency-Key is being processed; retry shortly.");
    }
    throw err;
  }
}
