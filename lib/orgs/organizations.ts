/**
 * Organizations (the MSP's customers): list with search and SQL pagination, create, edit, delete.
 * Every query filters by the viewer's partner; technicians see only their organizations (R-SEC-1).
 */
import { and, asc, count, eq, ilike, inArray, sql, type SQL } from "drizzle-orm";
import { db } from "@/db";
import { organizations } from "@/db/schema";
import { diffChanges, writeAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import { assertOrganizationScope, type Viewer } from "@/lib/auth/viewer";
import { ConflictError, ForbiddenError, isUniqueViolation, NotFoundError } from "@/lib/errors";
import { uuidSchema } from "@/lib/validations/common";
import { ORGANIZATION_OPTIONS_LIMIT } from "@/lib/validations/organizations";

export const ORGANIZATIONS_PAGE_SIZE = 25;

function scopeFilter(viewer: Viewer): SQL[] {
  const where: SQL[] = [eq(organizations.partnerId, viewer.partnerId)];
  if (viewer.organizationIds !== null) {
    where.push(viewer.organizationIds.length ? inArray(organizations.id, viewer.organizationIds) : sql`false`);
  }
  return where;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listOrganizations(viewer: Viewer, opts: { q?: string; page?: number } = {}) {
  const page = Math.max(1, Math.min(opts.page ?? 1, 100_000));
  const where = scopeFilter(viewer);
  const q = opts.q?.trim().slice(0, 100);
  if (q) where.push(ilike(organizations.name, `%${escapeLike(q)}%`));
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: organizations.id,
        name: organizations.name,
        notes: organizations.notes,
        externalRef: organizations.externalRef,
        deliveryEnabled: organizations.deliveryEnabled,
        createdAt: organizations.createdAt,
      })
      .from(organizations)
      .where(and(...where))
      .orderBy(asc(organizations.name), asc(organizations.id))
      .limit(ORGANIZATIONS_PAGE_SIZE)
      .offset((page - 1) * ORGANIZATIONS_PAGE_SIZE),
    db.select({ n: count() }).from(organizations).where(and(...where)),
  ]);
  return { rows, total: total?.n ?? 0, page, pageSize: ORGANIZATIONS_PAGE_SIZE };
}

/** Every organization the viewer may see, id + name only (pickers). */
export async function listOrganizationOptions(viewer: Viewer) {
  return db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(...scopeFilter(viewer)))
    .orderBy(asc(organizations.name))
    .limit(20_000);
}

/**
 * Organizations the viewer may see whose name contains `q` (case-insensitive), by name, at most `limit` —
 * the searchable organization picker's matches. Answered from `organizations_partner_name_idx`
 * (partner_id, name): an index scan in name order that stops after `limit` matches.
 */
export async function searchOrganizationOptions(viewer: Viewer, opts: { q?: string; limit?: number } = {}) {
  const where = scopeFilter(viewer);
  const q = opts.q?.trim().slice(0, 100);
  if (q) where.push(ilike(organizations.name, `%${escapeLike(q)}%`));
  const limit = Math.max(1, Math.min(opts.limit ?? ORGANIZATION_OPTIONS_LIMIT, ORGANIZATION_OPTIONS_LIMIT));
  return db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(...where))
    .orderBy(asc(organizations.name), asc(organizations.id))
    .limit(limit);
}

/**
 * One organization as a picker option, or null when the id is malformed, unknown, another partner's or
 * outside a technician's organizations — pages that take an organization from the URL ignore such ids.
 */
export async function findOrganizationOption(viewer: Viewer, id: string | undefined | null) {
  if (!id || !uuidSchema.safeParse(id).success) return null;
  const [row] = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(eq(organizations.id, id), ...scopeFilter(viewer)))
    .limit(1);
  return row ?? null;
}

export async function getOrganization(viewer: Viewer, id: string) {
  const [row] = await db
    .select()
    .from(organizations)
    .where(and(eq(organizations.id, id), eq(organizations.partnerId, viewer.partnerId)))
    .limit(1);
  if (!row) throw new NotFoundError("Organization");
  assertOrganizationScope(viewer, id);
  return row;
}

function nameConflict(err: unknown): never {
  if (isUniqueViolation(err, "organizations_partner_name_uq")) {
    throw new ConflictError("An organization with this name already exists.", "name");
  }
  if (isUniqueViolation(err, "organizations_partner_ref_uq")) {
    throw new ConflictError("Another organization already uses this reference.", "externalRef");
  }
  throw err;
}

export async function createOrganization(
  viewer: Viewer,
  input: { name: string; notes?: string; externalRef?: string; note?: string },
) {
  if (viewer.role !== "admin") throw new ForbiddenError("Only admins can create organizations.");
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(organizations)
        .values({
          partnerId: viewer.partnerId,
          name: input.name,
          notes: input.notes || null,
          externalRef: input.externalRef || null,
        })
        .returning();
      await writeAudit(tx, actorOf(viewer), {
        action: "organization.created",
        entityType: "organization",
        entityId: row.id,
        entityLabel: row.name,
        changes: diffChanges(null, { name: row.name, notes: row.notes, externalRef: row.externalRef }),
        note: input.note,
      });
      return row;
    });
  } catch (err) {
    nameConflict(err);
  }
}

export async function updateOrganization(
  viewer: Viewer,
  input: { id: string; name: string; notes?: string; externalRef?: string; note?: string },
) {
  const before = await getOrganization(viewer, input.id);
  if (viewer.role === "support") throw new ForbiddenError();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .update(organizations)
        .set({ name: input.name, notes: input.notes || null, externalRef: input.externalRef || null, updatedAt: new Date() })
        .where(and(eq(organizations.id, input.id), eq(organizations.partnerId, viewer.partnerId)))
        .returning();
      const changes = diffChanges(
        { name: before.name, notes: before.notes, externalRef: before.externalRef },
        { name: row.name, notes: row.notes, externalRef: row.externalRef },
      );
      if (Object.keys(changes).length) {
        await writeAudit(tx, actorOf(viewer), {
          action: "organization.updated",
          entityType: "organization",
          entityId: row.id,
          entityLabel: row.name,
          changes,
          note: input.note,
        });
      }
      return row;
    });
  } catch (err) {
    nameConflict(err);
  }
}

export async function deleteOrganization(viewer: Viewer, input: { id: string; note?: string }) {
  if (viewer.role !== "admin") throw new ForbiddenError("Only admins can delete organizations.");
  const before = await getOrganization(viewer, input.id);
  await db.transaction(async (tx) => {
    await tx.delete(organizations).where(and(eq(organizations.id, input.id), eq(organizations.partnerId, viewer.partnerId)));
    await writeAudit(tx, actorOf(viewer), {
      action: "organization.deleted",
      entityType: "organization",
      entityId: before.id,
      entityLabel: before.name,
      note: input.note,
    });
  });
}
