/**
 * The signed-in person as every page, action and route handler sees them: user, partner (tenant),
 * role and organization scope. All data access in lib/ takes a Viewer and filters by its partner
 * (R-SEC-1); technicians are further confined to their organizations.
 */
import { cache } from "react";
import { headers } from "next/headers";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { memberships, membershipOrganizations, partners } from "@/db/schema";
import { ForbiddenError, UnauthorizedError } from "@/lib/errors";
import { getAuth } from "./auth";
import type { Role } from "./roles";

export type Viewer = {
  userId: string;
  email: string;
  name: string;
  partnerId: string;
  partnerName: string;
  role: Role;
  membershipId: string;
  /** null = every organization of the partner (admin, support); a list for technicians. */
  organizationIds: string[] | null;
  sessionId: string;
};

export async function loadViewer(userId: string, email: string, name: string, sessionId: string): Promise<Viewer | null> {
  const [m] = await db
    .select({
      id: memberships.id,
      partnerId: memberships.partnerId,
      role: memberships.role,
      partnerName: partners.name,
    })
    .from(memberships)
    .innerJoin(partners, eq(partners.id, memberships.partnerId))
    .where(eq(memberships.userId, userId))
    .limit(1);
  if (!m) return null;
  let organizationIds: string[] | null = null;
  if (m.role === "technician") {
    const rows = await db
      .select({ id: membershipOrganizations.organizationId })
      .from(membershipOrganizations)
      .where(eq(membershipOrganizations.membershipId, m.id));
    organizationIds = rows.map((r) => r.id);
  }
  return {
    userId,
    email,
    name,
    partnerId: m.partnerId,
    partnerName: m.partnerName,
    role: m.role,
    membershipId: m.id,
    organizationIds,
    sessionId,
  };
}

/** The viewer of the current request, or null (memoised per request). */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) return null;
  return loadViewer(session.user.id, session.user.email, session.user.name, session.session.id);
});

export async function requireViewer(roles?: readonly Role[]): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) throw new UnauthorizedError();
  if (roles && !roles.includes(viewer.role)) throw new ForbiddenError();
  return viewer;
}

export function canAccessOrganization(viewer: Viewer, organizationId: string): boolean {
  return viewer.organizationIds === null || viewer.organizationIds.includes(organizationId);
}

export function assertRole(viewer: Viewer, roles: readonly Role[]): void {
  if (!roles.includes(viewer.role)) throw new ForbiddenError();
}

/** Throws unless the viewer may see this organization (partner check happens in the query). */
export function assertOrganizationScope(viewer: Viewer, organizationId: string): void {
  if (!canAccessOrganization(viewer, organizationId)) {
    throw new ForbiddenError("You do not have access to this organization.");
  }
}

