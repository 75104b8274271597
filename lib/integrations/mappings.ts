/**
 * External sources of a connection (Datto sites, NinjaOne organizations, tenants ...) and where their
 * telemetry goes (R-INT-5): a mapped source to its organization, an unmapped one to the connection's
 * selected organization. Sources appear here when an admin enters them or when telemetry first carries
 * them; mapping one routes every later event there. A mapped organization gets the connection as one of
 * its applications, so R-INT-2 (one per type per organization) is checked on every mapping change.
 */
import { and, asc, count, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/db";
import { connectionMappings, organizations } from "@/db/schema";
import { writeAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import type { Viewer } from "@/lib/auth/viewer";
import { isUniqueViolation, ConflictError, NotFoundError } from "@/lib/errors";
import { appOf, loadConnection, organizationsInScope, connectionLabel } from "./access";
import { EXISTING_CONNECTION_MESSAGE, syncOrganizationApplications } from "./org-apps";

export const SOURCES_PAGE_SIZE = 50;

export type ConnectionSource = {
  externalSourceId: string;
  externalSourceName: string | null;
  organizationId: string | null;
  organizationName: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date | null;
};

/** Sources of a connection, unmapped first (they are the ones to act on), paginated in SQL. */
export async function listConnectionSources(viewer: Viewer, connectionId: string, opts: { page?: number; unmappedOnly?: boolean } = {}) {
  const conn = await loadConnection(db, viewer, connectionId);
  const page = Math.max(1, Math.min(opts.page ?? 1, 100_000));
  const where = opts.unmappedOnly
    ? and(eq(connectionMappings.connectionId, conn.id), isNull(connectionMappings.organizationId))
    : eq(connectionMappings.connectionId, conn.id);
  const [rows, [total], [unmapped]] = await Promise.all([
    db
      .select({
        externalSourceId: connectionMappings.externalSourceId,
        externalSourceName: connectionMappings.externalSourceName,
        organizationId: connectionMappings.organizationId,
        organizationName: organizations.name,
        firstSeenAt: connectionMappings.firstSeenAt,
        lastSeenAt: connectionMappings.lastSeenAt,
      })
      .from(connectionMappings)
      .leftJoin(organizations, eq(organizations.id, connectionMappings.organizationId))
      .where(where)
      .orderBy(sql`${connectionMappings.organizationId} is not null`, asc(connectionMappings.externalSourceName), asc(connectionMappings.externalSourceId))
      .limit(SOURCES_PAGE_SIZE)
      .offset((page - 1) * SOURCES_PAGE_SIZE),
    db.select({ n: count() }).from(connectionMappings).where(where),
    db
      .select({ n: count() })
      .from(connectionMappings)
      .where(and(eq(connectionMappings.connectionId, conn.id), isNull(connectionMappings.organizationId))),
  ]);
  return { rows: rows as ConnectionSource[], total: total?.n ?? 0, unmapped: unmapped?.n ?? 0, page, pageSize: SOURCES_PAGE_SIZE };
}

/**
 * Maps (or, with organizationId null, unmaps) one external source, adding it if it is new. From the next
 * event on, its telemetry goes to that organization (R-INT-5); events already stored stay where they are.
 */
export async function setSourceMapping(
  viewer: Viewer,
  input: { connectionId: string; externalSourceId: string; externalSourceName?: string; organizationId: string | null; note?: string },
): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      const conn = await loadConnection(tx, viewer, input.connectionId, { manage: true, forUpdate: true });
      const app = appOf(conn);
      const names = input.organizationId ? await organizationsInScope(tx, viewer, [input.organizationId]) : new Map<string, string>();
      const [before] = await tx
        .select({ organizationId: connectionMappings.organizationId, name: connectionMappings.externalSourceName, orgName: organizations.name })
        .from(connectionMappings)
        .leftJoin(organizations, eq(organizations.id, connectionMappings.organizationId))
        .where(and(eq(connectionMappings.connectionId, conn.id), eq(connectionMappings.externalSourceId, input.externalSourceId)))
        .limit(1);
      const name = input.externalSourceName ?? before?.name ?? null;
      await tx
        .insert(connectionMappings)
        .values({ connectionId: conn.id, externalSourceId: input.externalSourceId, externalSourceName: name, organizationId: input.organizationId })
        .onConflictDoUpdate({
          target: [connectionMappings.connectionId, connectionMappings.externalSourceId],
          set: { organizationId: input.organizationId, externalSourceName: name },
        });
      await syncOrganizationApplications(tx, conn);
      const toName = input.organizationId ? names.get(input.organizationId)! : "(unmapped)";
      await writeAudit(tx, actorOf(viewer), {
        action: before ? "connection.mapping_changed" : "connection.source_added",
        entityType: "connection",
        entityId: conn.id,
        entityLabel: connectionLabel(app.name, conn.name),
        changes: {
          [`${app.sourceNoun} ${input.externalSourceId}`]: { from: before ? (before.orgName ?? "(unmapped)") : undefined, to: toName },
          ...(name !== (before?.name ?? null) ? { sourceName: { from: before?.name ?? undefined, to: name ?? undefined } } : {}),
        },
        note: input.note,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err, "organization_applications_org_app_uq")) {
      throw new ConflictError(`${EXISTING_CONNECTION_MESSAGE}: that organization already has one of this type.`, "organizationId");
    }
    throw err;
  }
}

/** Forgets a source (entered by mistake). If telemetry carries it again it reappears, unmapped. */
export async function removeSource(viewer: Viewer, input: { connectionId: string; externalSourceId: string; note?: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const conn = await loadConnection(tx, viewer, input.connectionId, { manage: true, forUpdate: true });
    const [gone] = await tx
      .delete(connectionMappings)
      .where(and(eq(connectionMappings.connectionId, conn.id), eq(connectionMappings.externalSourceId, input.externalSourceId)))
      .returning({ organizationId: connectionMappings.organizationId });
    if (!gone) throw new NotFoundError("Source");
    await syncOrganizationApplications(tx, conn);
    const app = appOf(conn);
    await writeAudit(tx, actorOf(viewer), {
      action: "connection.source_removed",
      entityType: "connection",
      entityId: conn.id,
      entityLabel: connectionLabel(app.name, conn.name),
      changes: { [`${app.sourceNoun} ${input.externalSourceId}`]: { from: gone.organizationId ? "mapped" : "(unmapped)" } },
      note: input.note,
    });
  });
}
