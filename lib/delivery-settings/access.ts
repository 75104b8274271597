/**
 * Who may do what in delivery settings, and the organization look-up every organization-level
 * function starts with. Global email settings belong to admins (support reads them); the
 * organization Settings tab is also open to technicians, within the organizations given to them.
 */
import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { organizations } from "@/db/schema";
import { assertOrganizationScope, type Viewer } from "@/lib/auth/viewer";
import { ForbiddenError, NotFoundError } from "@/lib/errors";

export function assertCanReadGlobalEmailSettings(viewer: Viewer): void {
  if (viewer.role !== "admin" && viewer.role !== "support") {
    throw new ForbiddenError("Only admins and support staff can view Settings > PSA & Email.");
  }
}

export function assertCanChangeGlobalEmailSettings(viewer: Viewer): void {
  if (viewer.role !== "admin") throw new ForbiddenError("Only admins can change email settings.");
}

export function assertCanChangeOrganizationDelivery(viewer: Viewer): void {
  if (viewer.role === "support") {
    throw new ForbiddenError("Support staff can review delivery settings but not change them.");
  }
}

export type OrganizationRef = { id: string; name: string; deliveryEnabled: boolean };

/**
 * The viewer's organization, or NotFoundError for an unknown id or another partner's (R-SEC-1), or
 * ForbiddenError for a technician outside their scope. `forUpdate` locks the row for the transaction.
 */
export async function loadOrganization(
  tx: Executor,
  viewer: Viewer,
  organizationId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<OrganizationRef> {
  const query = tx
    .select({ id: organizations.id, name: organizations.name, deliveryEnabled: organizations.deliveryEnabled })
    .from(organizations)
    .where(and(eq(organizations.id, organizationId), eq(organizations.partnerId, viewer.partnerId)))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  if (!row) throw new NotFoundError("Organization");
  assertOrganizationScope(viewer, row.id);
  return row;
}
