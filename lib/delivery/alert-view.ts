/** The alert page's data in one JSON-safe shape, shared by the server page and its polling route. */
import type { Viewer } from "@/lib/auth/viewer";
import { getAlertWithDeliveries, listAttempts } from "./alerts";
import { psaVendorLabel } from "./types";

export async function loadAlertView(viewer: Viewer, alertId: string) {
  const { alert, deliveries } = await getAlertWithDeliveries(viewer, alertId);
  const attempts = await listAttempts(viewer, deliveries.map((d) => d.id));
  return {
    alert: { ...alert, detectedAt: alert.detectedAt.toISOString(), createdAt: alert.createdAt.toISOString() },
    deliveries: deliveries.map((d) => {
      const psa = (d.payload as { psa?: { integrationName?: string; vendor?: string; companyName?: string; via?: string | null } }).psa;
      const email = (d.payload as { email?: { lists?: string[]; subject?: string } }).email;
      return {
        id: d.id,
        channel: d.channel,
        target: d.target,
        destination: psa ? (psa.integrationName ?? d.target) : d.target,
        destinationDetail: psa
          ? [psaVendorLabel(psa.vendor ?? ""), psa.companyName ? `${psa.companyName}${psa.via === "fallback" ? " (default company)" : ""}` : null]
              .filter(Boolean)
              .join(" · ")
          : (email?.lists ?? []).map((l) => (l === "global" ? "Global recipient" : "Organization recipient")).join(" + "),
        subject: email?.subject ?? null,
        status: d.status,
        rule: d.rule,
        reason: d.reason,
        attempts: d.attempts,
        externalRef: d.externalRef,
        lastError: d.lastError,
        sentAt: d.sentAt?.toISOString() ?? null,
        nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
        history: attempts
          .filter((a) => a.deliveryId === d.id)
          .map((a) => ({ ...a, startedAt: a.startedAt.toISOString() })),
      };
    }),
  };
}

export type AlertView = Awaited<ReturnType<typeof loadAlertView>>;
