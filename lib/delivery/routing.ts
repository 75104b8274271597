/**
 * Routing review for support staff (R-DEL-11): where an alert of each priority would go now and
 * why, computed by the same planner intake uses, on the same snapshot intake would take — without
 * creating an alert.
 */
import { db } from "@/db";
import { assertOrganizationScope, type Viewer } from "@/lib/auth/viewer";
import { NotFoundError } from "@/lib/errors";
import { planDelivery } from "./plan";
import { SAMPLE_ALERT } from "./render/subject";
import { loadDeliveryConfigSnapshot } from "./snapshot";
import { PRIORITIES, type AlertForDelivery, type DeliveryConfigSnapshot, type PlannedDelivery, type Priority } from "./types";

export type RoutingCell = { status: "planned" | "skipped"; rule: string; reason: string };
export type RoutingRow = {
  key: string;
  channel: "psa" | "email";
  label: string;
  detail: string;
  cells: Record<Priority, RoutingCell | null>;
};

function simulatedAlert(organizationId: string, priority: Priority, title?: string): AlertForDelivery {
  return { ...SAMPLE_ALERT, id: "00000000-0000-0000-0000-000000000000", organizationId, priority, title: title ?? SAMPLE_ALERT.title, detectedAt: new Date() };
}

async function snapshotFor(viewer: Viewer, organizationId: string): Promise<DeliveryConfigSnapshot> {
  assertOrganizationScope(viewer, organizationId);
  const snapshot = await loadDeliveryConfigSnapshot(db, viewer.partnerId, organizationId);
  if (!snapshot) throw new NotFoundError("Organization");
  return snapshot;
}

function rowLabel(d: PlannedDelivery): { label: string; detail: string } {
  if (d.channel === "psa") return { label: d.psa.integrationName, detail: d.psa.vendor };
  return {
    label: d.email.address,
    detail: d.email.lists.map((l) => (l === "global" ? "Global recipient" : "Organization recipient")).join(" + "),
  };
}

export async function routingGrid(viewer: Viewer, organizationId: string) {
  const snapshot = await snapshotFor(viewer, organizationId);
  const rows = new Map<string, RoutingRow>();
  for (const priority of PRIORITIES) {
    const plan = planDelivery(simulatedAlert(organizationId, priority), snapshot);
    for (const d of plan.deliveries) {
      const key = `${d.channel}:${d.target}`;
      let row = rows.get(key);
      if (!row) {
        row = { key, channel: d.channel, ...rowLabel(d), cells: { low: null, medium: null, high: null, critical: null } };
        rows.set(key, row);
      }
      row.cells[priority] = { status: d.status, rule: d.rule, reason: d.reason };
    }
  }
  const all = [...rows.values()];
  return {
    organization: snapshot.organization,
    psa: all.filter((r) => r.channel === "psa"),
    email: all.filter((r) => r.channel === "email"),
  };
}

export async function simulateAlert(viewer: Viewer, input: { organizationId: string; priority: Priority; title?: string }) {
  const snapshot = await snapshotFor(viewer, input.organizationId);
  const plan = planDelivery(simulatedAlert(input.organizationId, input.priority, input.title), snapshot);
  return { organization: snapshot.organization, plan };
}
