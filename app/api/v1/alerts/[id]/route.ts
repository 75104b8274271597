import { NextResponse } from "next/server";
import { z } from "zod";
import { getAlertWithDeliveries } from "@/lib/delivery/alerts";
import { authenticateApiKey, handleApi, jsonError } from "@/lib/api/http";

export const dynamic = "force-dynamic";

/** GET /api/v1/alerts/{id} — the alert with its deliveries and their states. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return handleApi(async () => {
    const principal = await authenticateApiKey(req);
    if (!principal) return jsonError(401, "Missing or invalid API key.", undefined, { "WWW-Authenticate": "Bearer" });
    const { id } = await ctx.params;
    if (!z.uuid().safeParse(id).success) return jsonError(404, "Alert not found.");
    const { alert, deliveries } = await getAlertWithDeliveries({ partnerId: principal.partnerId, organizationIds: null }, id);
    return NextResponse.json({
      alert: {
        id: alert.id,
        organizationId: alert.organizationId,
        organizationName: alert.organizationName,
        priority: alert.priority,
        title: alert.title,
        summary: alert.summary,
        detectedAt: alert.detectedAt,
        source: alert.source,
        createdAt: alert.createdAt,
        plan: alert.planSummary,
      },
      deliveries: deliveries.map((d) => ({
        id: d.id,
        channel: d.channel,
        target: d.target,
        status: d.status,
        rule: d.rule,
        reason: d.reason,
        attempts: d.attempts,
        externalRef: d.externalRef,
        lastError: d.lastError,
        sentAt: d.sentAt,
        nextAttemptAt: d.nextAttemptAt,
      })),
    });
  });
}
