/**
 * Manual retry of a failed or dead delivery by an admin or support user (R-REL-3): the retry
 * schedule starts again; the channel still searches for an existing ticket first (R-REL-2).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { db } from "@/db";
import { alerts, deliveries } from "@/db/schema";
import { writeAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import { canAccessOrganization, type Viewer } from "@/lib/auth/viewer";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { DELIVERY_CHANNEL_NOTIFY } from "./intake";

export async function retryDelivery(viewer: Viewer, input: { deliveryId: string; note?: string }): Promise<void> {
  if (viewer.role !== "admin" && viewer.role !== "support") throw new ForbiddenError("Only admins and support staff can retry deliveries.");
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: deliveries.id, status: deliveries.status, target: deliveries.target, channel: deliveries.channel, alertId: deliveries.alertId, organizationId: alerts.organizationId })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(and(eq(deliveries.id, input.deliveryId), eq(deliveries.partnerId, viewer.partnerId)))
      .limit(1)
      .for("update");
    if (!row || !canAccessOrganization(viewer, row.organizationId)) throw new NotFoundError("Delivery");
    if (row.status !== "failed" && row.status !== "dead") {
      throw new ConflictError(`This delivery is ${row.status}; only failed or dead deliveries can be retried.`);
    }
    await tx
      .update(deliveries)
      .set({
        status: "failed",
        attempts: 0,
        manualRetries: sql`${deliveries.manualRetries} + 1`,
        nextAttemptAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
        updatedAt: new Date(),
      })
      .where(and(eq(deliveries.id, row.id), inArray(deliveries.status, ["failed", "dead"])));
    await writeAudit(tx, actorOf(viewer), {
      action: "delivery.retried",
      entityType: "delivery",
      entityId: row.id,
      entityLabel: `${row.channel === "psa" ? "PSA" : "Email"} ${row.target} for alert ${row.alertId.slice(0, 8)}`,
      changes: { status: { from: row.status, to: "failed (retry now)" } },
      note: input.note,
    });
    await tx.execute(sql`select pg_notify(${DELIVERY_CHANNEL_NOTIFY}, ${row.alertId})`);
  });
}
