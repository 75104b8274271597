/**
 * Which organizations a connection is an application of, and the checks that guard them:
 *  - R-INT-2: one connection per application type per organization. The UNIQUE (organization_id, app_type)
 *    of organization_applications enforces it; these functions find the existing one first so the UI can
 *    say "A connection already exists for this application" with a link instead of failing late.
 *  - R-INT-4: the same source instance connected to another organization may duplicate events or alerts.
 * A connection is an application of its selected organization and of every organization one of its
 * external sources is mapped to.
 */
import { and, asc, eq, inArray, isNotNull, ne } from "drizzle-orm";
import type { Executor } from "@/db";
import { connectionMappings, connections, organizationApplications, organizations } from "@/db/schema";
import type { Viewer } from "@/lib/auth/viewer";
import { ConflictError } from "@/lib/errors";
import { connectionHrefFor, type ConnectionRow } from "./access";
import { findApplication } from "./catalog";

export const EXISTING_CONNECTION_MESSAGE = "A connection already exists for this application";
export const DUPLICATE_INSTANCE_MESSAGE =
  "This instance is already connected to another organization; adding it again may result in duplicate events or alerts.";

export type ExistingApplication = {
  organizationId: string;
  organizationName: string;
  appType: string;
  connectionId: string;
  connectionName: string;
  entryPoint: "settings" | "organization";
  status: "pending" | "connected" | "disabled";
  /** Link for this viewer, or null when they may not open it (a Settings integration for a technician). */
  href: string | null;
};

/** The applications organizations already have, optionally only of one type (R-INT-2 pre-check). */
export async function findExistingApplications(
  executor: Executor,
  viewer: Viewer,
  organizationIds: string[],
  appType?: string,
): Promise<ExistingApplication[]> {
  if (!organizationIds.length) return [];
  const where = [eq(organizationApplications.partnerId, viewer.partnerId), inArray(organizationApplications.organizationId, organizationIds)];
  if (appType) where.push(eq(organizationApplications.appType, appType));
  const rows = await executor
    .select({
      organizationId: organizationApplications.organizationId,
      organizationName: organizations.name,
      appType: organizationApplications.appType,
      connectionId: connections.id,
      connectionName: connections.name,
      entryPoint: connections.entryPoint,
      status: connections.status,
      connectionOrganizationId: connections.organizationId,
    })
    .from(organizationApplications)
    .innerJoin(connections, eq(connections.id, organizationApplications.connectionId))
    .innerJoin(organizations, eq(organizations.id, organizationApplications.organizationId))
    .where(and(...where))
    .orderBy(asc(organizations.name));
  return rows.map(({ connectionOrganizationId, ...r }) => ({
    ...r,
    href: connectionHrefFor(viewer, { id: r.connectionId, entryPoint: r.entryPoint, organizationId: connectionOrganizationId }),
  }));
}

export type DuplicateInstance = {
  connectionId: string;
  connectionName: string;
  organizationId: string;
  organizationName: string;
  href: string | null;
};

/** Other connections of the partner with the same application and instance identity (R-INT-4). */
export async function findDuplicateInstances(
  executor: Executor,
  viewer: Viewer,
  appType: string,
  instanceKey: string | null,
  excludeConnectionId?: string,
): Promise<DuplicateInstance[]> {
  if (!instanceKey) return [];
  const where = [
    eq(connections.partnerId, viewer.partnerId),
    eq(connections.appType, appType),
    eq(connections.instanceKey, instanceKey),
  ];
  if (excludeConnectionId) where.push(ne(connections.id, excludeConnectionId));
  const rows = await executor
    .select({
      connectionId: connections.id,
      connectionName: connections.name,
      organizationId: connections.organizationId,
      organizationName: organizations.name,
      entryPoint: connections.entryPoint,
    })
    .from(connections)
    .innerJoin(organizations, eq(organizations.id, connections.organizationId))
    .where(and(...where))
    .orderBy(asc(organizations.name))
    .limit(20);
  return rows.map(({ entryPoint, ...r }) => ({
    ...r,
    href: connectionHrefFor(viewer, { id: r.connectionId, entryPoint, organizationId: r.organizationId }),
  }));
}

/**
 * Brings organization_applications in line with the connection: its selected organization plus every
 * organization a source is mapped to. An organization that already has another connection of this
 * application type refuses the change (R-INT-2) with a message naming it; the caller's transaction rolls back.
 */
export async function syncOrganizationApplications(
  tx: Executor,
  conn: Pick<ConnectionRow, "id" | "partnerId" | "appType" | "organizationId">,
): Promise<void> {
  const mapped = await tx
    .selectDistinct({ organizationId: connectionMappings.organizationId })
    .from(connectionMappings)
    .where(and(eq(connectionMappings.connectionId, conn.id), isNotNull(connectionMappings.organizationId)));
  const desired = new Set([conn.organizationId, ...mapped.map((m) => m.organizationId!)]);
  const current = await tx
    .select({ organizationId: organizationApplications.organizationId })
    .from(organizationApplications)
    .where(eq(organizationApplications.connectionId, conn.id));
  const have = new Set(current.map((c) => c.organizationId));
  const stale = [...have].filter((id) => !desired.has(id));
  const missing = [...desired].filter((id) => !have.has(id));
  if (stale.length) {
    await tx
      .delete(organizationApplications)
      .where(and(eq(organizationApplications.connectionId, conn.id), inArray(organizationApplications.organizationId, stale)));
  }
  if (!missing.length) return;
  const taken = await tx
    .select({ name: organizations.name })
    .from(organizationApplications)
    .innerJoin(organizations, eq(organizations.id, organizationApplications.organizationId))
    .where(and(inArray(organizationApplications.organizationId, missing), eq(organizationApplications.appType, conn.appType)))
    .orderBy(asc(organizations.name));
  if (taken.length) {
    const app = findApplication(conn.appType)?.name ?? conn.appType;
    throw new ConflictError(
      `${EXISTING_CONNECTION_MESSAGE}: ${taken.map((t) => t.name).join(", ")} already ${taken.length === 1 ? "has" : "have"} a ${app} connection. Each organization can have one connection per application type.`,
      "organizationId",
    );
  }
  await tx
    .insert(organizationApplications)
    .values(missing.map((organizationId) => ({ partnerId: conn.partnerId, organizationId, appType: conn.appType, connectionId: conn.id })));
}

