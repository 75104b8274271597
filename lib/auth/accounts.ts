/**
 * Partners, logins and memberships. Logins are better-auth users with a credential account; they
 * are written here with Drizzle (same tables better-auth reads) so that the user, its password
 * account and its membership are created in one transaction.
 */
import { randomUUID } from "node:crypto";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { account, membershipOrganizations, memberships, organizations, partners, session, user } from "@/db/schema";
import { writeAudit } from "@/lib/audit";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { getAuth } from "./auth";
import type { Role } from "./roles";
import type { Viewer } from "./viewer";

export async function hashPassword(password: string): Promise<string> {
  const ctx = await getAuth().$context;
  return ctx.password.hash(password);
}

async function insertLogin(
  tx: Executor,
  input: { email: string; name: string; password: string },
): Promise<string> {
  const email = input.email.trim().toLowerCase();
  const existing = await tx.select({ id: user.id }).from(user).where(eq(user.email, email)).limit(1);
  if (existing.length) throw new ConflictError("A user with this email already exists.", "email");
  const id = randomUUID();
  const hash = await hashPassword(input.password);
  await tx.insert(user).values({ id, email, name: input.name.trim() || email, emailVerified: false });
  await tx.insert(account).values({ id: randomUUID(), accountId: id, providerId: "credential", userId: id, password: hash });
  return id;
}

export async function countPartners(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(partners);
  return row?.n ?? 0;
}

/** Creates a partner (MSP) and its first admin. Used by first-run setup and the CLI. */
export async function createPartnerWithAdmin(input: {
  partnerName: string;
  email: string;
  password: string;
  name?: string;
  /** First-run setup passes true: refuse when any partner exists (the setup page is one-shot). */
  onlyIfFirst?: boolean;
}): Promise<{ partnerId: string; userId: string }> {
  return db.transaction(async (tx) => {
    if (input.onlyIfFirst) {
      // Serialise concurrent first-run submissions.
      await tx.execute(sql`select pg_advisory_xact_lock(4242)`);
      const [row] = await tx.select({ n: count() }).from(partners);
      if ((row?.n ?? 0) > 0) throw new ForbiddenError("Setup has already been completed. Sign in instead.");
    }
    const [partner] = await tx.insert(partners).values({ name: input.partnerName.trim() }).returning();
    const userId = await insertLogin(tx, { email: input.email, name: input.name ?? "", password: input.password });
    await tx.insert(memberships).values({ partnerId: partner.id, userId, role: "admin" });
    await writeAudit(tx, { partnerId: partner.id, userId, label: input.email.toLowerCase() }, {
      action: "partner.created",
      entityType: "partner",
      entityId: partner.id,
      entityLabel: partner.name,
      changes: { name: { to: partner.name }, admin: { to: input.email.toLowerCase() } },
    });
    return { partnerId: partner.id, userId };
  });
}

export type UserRow = {
  userId: string;
  membershipId: string;
  email: string;
  name: string;
  role: Role;
  organizationIds: string[];
  createdAt: Date;
};

export async function listUsers(viewer: Viewer): Promise<UserRow[]> {
  const rows = await db
    .select({
      userId: user.id,
      membershipId: memberships.id,
      email: user.email,
      name: user.name,
      role: memberships.role,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(eq(memberships.partnerId, viewer.partnerId))
    .orderBy(asc(user.email));
  const scopes = rows.length
    ? await db
        .select()
        .from(membershipOrganizations)
        .where(inArray(membershipOrganizations.membershipId, rows.map((r) => r.membershipId)))
    : [];
  return rows.map((r) => ({
    ...r,
    organizationIds: scopes.filter((s) => s.membershipId === r.membershipId).map((s) => s.organizationId),
  }));
}

async function assertOrganizationsOfPartner(tx: Executor, partnerId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.partnerId, partnerId), inArray(organizations.id, ids)));
  if (found.length !== new Set(ids).size) throw new ValidationError("Unknown organization selected.", { organizationIds: ["Unknown organization selected."] });
}

export async function createUser(
  viewer: Viewer,
  input: { email: string; name: string; password: string; role: Role; organizationIds: string[]; note?: string },
): Promise<{ userId: string }> {
  return db.transaction(async (tx) => {
    const organizationIds = input.role === "technician" ? input.organizationIds : [];
    await assertOrganizationsOfPartner(tx, viewer.partnerId, organizationIds);
    const userId = await insertLogin(tx, input);
    const [m] = await tx.insert(memberships).values({ partnerId: viewer.partnerId, userId, role: input.role }).returning();
    if (organizationIds.length) {
      await tx.insert(membershipOrganizations).values(organizationIds.map((organizationId) => ({ membershipId: m.id, organizationId })));
    }
    await writeAudit(tx, actorOf(viewer), {
      action: "user.created",
      entityType: "user",
      entityId: userId,
      entityLabel: input.email.toLowerCase(),
      changes: { role: { to: input.role }, organizations: { to: organizationIds.length } },
      note: input.note,
    });
    return { userId };
  });
}

export async function updateUserAccess(
  viewer: Viewer,
  input: { userId: string; role: Role; organizationIds: string[]; note?: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [m] = await tx
      .select({ id: memberships.id, role: memberships.role, email: user.email })
      .from(memberships)
      .innerJoin(user, eq(user.id, memberships.userId))
      .where(and(eq(memberships.userId, input.userId), eq(memberships.partnerId, viewer.partnerId)))
      .limit(1);
    if (!m) throw new NotFoundError("User");
    if (input.userId === viewer.userId && input.role !== "admin") {
      throw new ValidationError("You cannot remove your own admin role.", { role: ["You cannot remove your own admin role."] });
    }
    const organizationIds = input.role === "technician" ? input.organizationIds : [];
    await assertOrganizationsOfPartner(tx, viewer.partnerId, organizationIds);
    const before = await tx.select().from(membershipOrganizations).where(eq(membershipOrganizations.membershipId, m.id));
    await tx.update(memberships).set({ role: input.role }).where(eq(memberships.id, m.id));
    await tx.delete(membershipOrganizations).where(eq(membershipOrganizations.membershipId, m.id));
    if (organizationIds.length) {
      await tx.insert(membershipOrganizations).values(organizationIds.map((organizationId) => ({ membershipId: m.id, organizationId })));
    }
    await writeAudit(tx, actorOf(viewer), {
      action: "user.access_changed",
      entityType: "user",
      entityId: input.userId,
      entityLabel: m.email,
      changes: {
        role: { from: m.role, to: input.role },
        organizations: { from: before.length, to: organizationIds.length },
      },
      note: input.note,
    });
  });
}

export async function removeUser(viewer: Viewer, input: { userId: string; note?: string }): Promise<void> {
  if (input.userId === viewer.userId) throw new ValidationError("You cannot remove yourself.");
  await db.transaction(async (tx) => {
    const [m] = await tx
      .select({ id: memberships.id, email: user.email })
      .from(memberships)
      .innerJoin(user, eq(user.id, memberships.userId))
      .where(and(eq(memberships.userId, input.userId), eq(memberships.partnerId, viewer.partnerId)))
      .limit(1);
    if (!m) throw new NotFoundError("User");
    // Deleting the login deletes its sessions and membership (cascade): access ends at once.
    await tx.delete(user).where(eq(user.id, input.userId));
    await writeAudit(tx, actorOf(viewer), {
      action: "user.removed",
      entityType: "user",
      entityId: input.userId,
      entityLabel: m.email,
      note: input.note,
    });
  });
}

/** Ends every session of a user (used after password changes and by admins). */
export async function revokeSessionsOf(userId: string): Promise<void> {
  await db.delete(session).where(eq(session.userId, userId));
}

export function actorOf(viewer: Viewer) {
  return { partnerId: viewer.partnerId, userId: viewer.userId, label: viewer.email };
}
