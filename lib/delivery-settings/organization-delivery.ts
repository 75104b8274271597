/**
 * The organization Settings tab's delivery controls (seed 000): the `PSA & email` toggle (R-DEL-2),
 * whether delivery is configured globally at all (R-DEL-9), and who an alert of each priority would be
 * emailed to — computed by `resolveRecipients`, the same function the planner uses (R-DEL-5/6).
 */
import { and, asc, count, eq, or } from "drizzle-orm";
import { db } from "@/db";
import { organizations, psaIntegrations, recipients } from "@/db/schema";
import { writeAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import type { Viewer } from "@/lib/auth/viewer";
import { resolveRecipients, type RecipientResolution } from "@/lib/delivery/recipients";
import { PRIORITIES, type Priority } from "@/lib/delivery/types";
import { setOrganizationDeliverySchema } from "@/lib/validations/delivery-settings";
import { assertCanChangeOrganizationDelivery, loadOrganization } from "./access";
import { parseInput } from "./input";

export type DeliveryConfigurationStatus = {
  psaIntegrations: number;
  globalRecipients: number;
  /** PSA or email delivery is configured under Settings > PSA & Email (R-DEL-9). */
  configured: boolean;
};

/**
 * R-DEL-9: the organization toggle has an effect only when a PSA integration (active or paused — it is
 * configured either way) or a global email recipient exists. Counts only, so any role may ask.
 */
export async function getDeliveryConfigurationStatus(viewer: Viewer): Promise<DeliveryConfigurationStatus> {
  const [[psa], [global]] = await Promise.all([
    db.select({ n: count() }).from(psaIntegrations).where(eq(psaIntegrations.partnerId, viewer.partnerId)),
    db
      .select({ n: count() })
      .from(recipients)
      .where(and(eq(recipients.partnerId, viewer.partnerId), eq(recipients.scope, "global"))),
  ]);
  const psaCount = psa?.n ?? 0;
  const globalCount = global?.n ?? 0;
  return { psaIntegrations: psaCount, globalRecipients: globalCount, configured: psaCount + globalCount > 0 };
}

/**
 * Turns the organization's `PSA & email` toggle on or off (admins; technicians within scope). Off means
 * no PSA tickets and no emails for this organization's alerts; alerts are still created and visible
 * (R-DEL-2, applied by the planner). Setting the current value again changes and logs nothing.
 */
export async function setOrganizationDelivery(
  viewer: Viewer,
  input: { organizationId: string; enabled: boolean; note?: string },
): Promise<{ changed: boolean; deliveryEnabled: boolean; organizationName: string }> {
  assertCanChangeOrganizationDelivery(viewer);
  const { organizationId, enabled, note } = parseInput(setOrganizationDeliverySchema, input);
  return db.transaction(async (tx) => {
    const org = await loadOrganization(tx, viewer, organizationId, { forUpdate: true });
    if (org.deliveryEnabled === enabled) {
      return { changed: false, deliveryEnabled: enabled, organizationName: org.name };
    }
    await tx
      .update(organizations)
      .set({ deliveryEnabled: enabled, updatedAt: new Date() })
      .where(and(eq(organizations.id, org.id), eq(organizations.partnerId, viewer.partnerId)));
    await writeAudit(tx, actorOf(viewer), {
      action: enabled ? "organization.delivery_enabled" : "organization.delivery_disabled",
      entityType: "organization",
      entityId: org.id,
      entityLabel: org.name,
      changes: { deliveryEnabled: { from: org.deliveryEnabled, to: enabled } },
      note,
    });
    return { changed: true, deliveryEnabled: enabled, organizationName: org.name };
  });
}

export type OrganizationAudience = {
  organizationId: string;
  /** The `PSA & email` toggle: when off nobody is emailed (R-DEL-2); the lists show who would be. */
  deliveryEnabled: boolean;
  /** Who receives an email for an alert of each priority, and who is left out and why. */
  byPriority: Record<Priority, RecipientResolution>;
};

/**
 * "Who receives a Critical alert for this organization": the global list plus this organization's
 * list, resolved per priority by `resolveRecipients` (R-DEL-5, R-DEL-6). Any role within scope.
 */
export async function getOrganizationAudience(viewer: Viewer, organizationId: string): Promise<OrganizationAudience> {
  const org = await loadOrganization(db, viewer, organizationId);
  const rows = await db
    .select({
      id: recipients.id,
      scope: recipients.scope,
      email: recipients.email,
      priorities: recipients.priorities,
      note: recipients.note,
    })
    .from(recipients)
    .where(
      and(
        eq(recipients.partnerId, viewer.partnerId),
        or(eq(recipients.scope, "global"), and(eq(recipients.scope, "organization"), eq(recipients.organizationId, org.id))),
      ),
    )
    .orderBy(asc(recipients.createdAt), asc(recipients.id));
  const lists = {
    globalRecipients: rows.filter((r) => r.scope === "global").map((r) => ({ id: r.id, email: r.email, note: r.note })),
    organizationRecipients: rows
      .filter((r) => r.scope === "organization")
      .map((r) => ({ id: r.id, email: r.email, priorities: r.priorities, note: r.note })),
  };
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, resolveRecipients(lists, p)])) as Record<
    Priority,
    RecipientResolution
  >;
  return { organizationId: org.id, deliveryEnabled: org.deliveryEnabled, byPriority };
}
