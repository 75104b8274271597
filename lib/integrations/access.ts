/**
 * Who may see and change a connection (R-SEC-1), shared by every module of lib/integrations:
 *  - admins: every connection of their partner;
 *  - technicians: connections created in (entry point "organization") one of their organizations;
 *    Settings integrations are admin-only, though technicians see them listed on their organizations' tabs;
 *  - support: reads what admins read, changes nothing.
 * Every lookup filters by the viewer's partner first; another partner's id is simply "not found".
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/db";
import { connections, organizations } from "@/db/schema";
import { canAccessOrganization, type Viewer } from "@/lib/auth/viewer";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { findApplication, type AppDefinition } from "./catalog";

export type ConnectionRow = typeof connections.$inferSelect;

export function canViewConnection(viewer: Viewer, c: Pick<ConnectionRow, "entryPoint" | "organizationId">): boolean {
  if (viewer.role === "admin" || viewer.role === "support") return true;
  return c.entryPoint === "organization" && canAccessOrganization(viewer, c.organizationId);
}

export function canManageConnection(viewer: Viewer, c: Pick<ConnectionRow, "entryPoint" | "organizationId">): boolean {
  if (viewer.role === "admin") return true;
  if (viewer.role === "technician") return c.entryPoint === "organization" && canAccessOrganization(viewer, c.organizationId);
  return false;
}

/** Where a connection is managed: Settings-created at platform level, organization-created under it (R-INT-1). */
export function connectionHref(c: Pick<ConnectionRow, "id" | "entryPoint" | "organizationId">): string {
  return c.entryPoint === "settings" ? `/settings/integrations/${c.id}` : `/organizations/${c.organizationId}/applications/${c.id}`;
}

/** The link a viewer may follow, or null when the page would refuse them. */
export function connectionHrefFor(viewer: Viewer, c: Pick<ConnectionRow, "id" | "entryPoint" | "organizationId">): string | null {
  if (c.entryPoint === "settings") return viewer.role === "admin" ? connectionHref(c) : null;
  return canViewConnection(viewer, c) ? connectionHref(c) : null;
}

/** How a connection is named in the audit log: "Datto RMM", or "Datto RMM · EU platform" when renamed. */
export function connectionLabel(appName: string, name: string): string {
  return name === appName ? appName : `${appName} · ${name}`;
}

export function appOf(c: Pick<ConnectionRow, "appType">): AppDefinition {
  const app = findApplication(c.appType);
  if (!app) throw new ValidationError(`Unknown application type "${c.appType}".`);
  return app;
}

/** Loads a connection of the viewer's partner, checking view (or manage) rights. */
export async function loadConnection(
  executor: Executor,
  viewer: Viewer,
  id: string,
  opts: { manage?: boolean; forUpdate?: boolean } = {},
): Promise<ConnectionRow> {
  const q = executor
    .select()
    .from(connections)
    .where(and(eq(connections.id, id), eq(connections.partnerId, viewer.partnerId)))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  if (!row) throw new NotFoundError("Connection");
  if (!canViewConnection(viewer, row)) throw new ForbiddenError("You do not have access to this connection.");
  if (opts.manage && !canManageConnection(viewer, row)) {
    throw new ForbiddenError(
      row.entryPoint === "settings" ? "Only admins can change integrations created in Settings > Integrations." : "You do not have permission to change this application.",
    );
  }
  return row;
}

/**
 * Checks that every id is an organization of the viewer's partner within their scope, and returns id → name.
 * Used before routing anything anywhere: telemetry never goes to another partner's organization (R-INT-5).
 */
export async function organizationsInScope(executor: Executor, viewer: Viewer, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await executor
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(eq(organizations.partnerId, viewer.partnerId), inArray(organizations.id, unique)));
  const found = new Map(rows.map((r) => [r.id, r.name]));
  for (const id of unique) {
    if (!found.has(id)) throw new NotFoundError("Organization");
    if (!canAccessOrganization(viewer, id)) throw new ForbiddenError("You do not have access to this organization.");
  }
  return found;
}
