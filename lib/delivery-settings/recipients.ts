/**
 * Email recipient lists (R-DEL-5): global recipients (Settings > PSA & Email, admins) and
 * organization-level recipients with a priority scope (Organizations > edit > Settings tab, admins and
 * the organization's technicians). Lists only store; who actually receives an alert is decided by
 * `resolveRecipients` in lib/delivery/recipients.ts, which the planner and the settings screens share.
 *
 * Addresses are stored lower-cased; the database's partial unique indexes refuse the same address
 * twice in one list (case-insensitive), so a duplicate is a clear message, never a second row.
 * Adding or removing an organization-level recipient never touches the global list, and vice versa.
 */
import { and, asc, count, eq } from "drizzle-orm";
import { db } from "@/db";
import { recipients } from "@/db/schema";
import { diffChanges, writeAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import type { Viewer } from "@/lib/auth/viewer";
import { normalizeEmailAddress } from "@/lib/delivery/recipients";
import { formatPriorityList, type Priority } from "@/lib/delivery/types";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "@/lib/errors";
import {
  addGlobalRecipientSchema,
  addOrganizationRecipientSchema,
  removeGlobalRecipientSchema,
  removeOrganizationRecipientSchema,
  updateOrganizationRecipientSchema,
  type AddGlobalRecipientInput,
  type AddOrganizationRecipientInput,
  type UpdateOrganizationRecipientInput,
} from "@/lib/validations/delivery-settings";
import {
  assertCanChangeGlobalEmailSettings,
  assertCanChangeOrganizationDelivery,
  assertCanReadGlobalEmailSettings,
  loadOrganization,
} from "./access";
import { parseInput } from "./input";

/** Generous for distribution lists and role mailboxes; stops a runaway script from filling the list. */
export const MAX_GLOBAL_RECIPIENTS = 500;
export const MAX_ORGANIZATION_RECIPIENTS = 200;

export type GlobalRecipient = { id: string; email: string; note: string | null; createdAt: Date };

export type OrganizationRecipient = {
  id: string;
  organizationId: string;
  email: string;
  /** Priority scope in Low → Critical order (R-DEL-5). */
  priorities: Priority[];
  note: string | null;
  createdAt: Date;
  /** The address is also a global recipient: it gets every alert once, with the global subject (R-DEL-5/6). */
  alsoGlobal: boolean;
};

const globalColumns = {
  id: recipients.id,
  email: recipients.email,
  note: recipients.note,
  createdAt: recipients.createdAt,
};

// ---------------------------------------------------------------------------------------------------
// Global recipients
// ---------------------------------------------------------------------------------------------------

export async function listGlobalRecipients(viewer: Viewer): Promise<GlobalRecipient[]> {
  assertCanReadGlobalEmailSettings(viewer);
  return db
    .select(globalColumns)
    .from(recipients)
    .where(and(eq(recipients.partnerId, viewer.partnerId), eq(recipients.scope, "global")))
    .orderBy(asc(recipients.createdAt), asc(recipients.id));
}

/** Saves a global recipient (R-DEL-8: the save is confirmed; nothing is sent). Admins only. */
export async function addGlobalRecipient(viewer: Viewer, input: AddGlobalRecipientInput): Promise<GlobalRecipient> {
  assertCanChangeGlobalEmailSettings(viewer);
  const { email, note } = parseInput(addGlobalRecipientSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const [{ n }] = await tx
        .select({ n: count() })
        .from(recipients)
        .where(and(eq(recipients.partnerId, viewer.partnerId), eq(recipients.scope, "global")));
      if (n >= MAX_GLOBAL_RECIPIENTS) {
        throw new ValidationError(`The global list already has ${MAX_GLOBAL_RECIPIENTS} addresses; use a distribution list.`);
      }
      const [row] = await tx
        .insert(recipients)
        .values({ partnerId: viewer.partnerId, scope: "global", email, note: note ?? null })
        .returning(globalColumns);
      await writeAudit(tx, actorOf(viewer), {
        action: "recipient.added",
        entityType: "recipient",
        entityId: row.id,
        entityLabel: `${row.email} (global)`,
        changes: diffChanges(null, { email: row.email, list: "global", note: row.note }),
        note,
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, "recipients_global_uq")) {
      throw new ConflictError(`${email} is already a global recipient.`, "email");
    }
    throw err;
  }
}

export async function removeGlobalRecipient(viewer: Viewer, input: { id: string; note?: string }): Promise<void> {
  assertCanChangeGlobalEmailSettings(viewer);
  const { id, note } = parseInput(removeGlobalRecipientSchema, input);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(recipients)
      .where(and(eq(recipients.id, id), eq(recipients.partnerId, viewer.partnerId), eq(recipients.scope, "global")))
      .returning(globalColumns);
    if (!row) throw new NotFoundError("Recipient");
    await writeAudit(tx, actorOf(viewer), {
      action: "recipient.removed",
      entityType: "recipient",
      entityId: row.id,
      entityLabel: `${row.email} (global)`,
      changes: diffChanges({ email: row.email, list: "global", note: row.note }, null),
      note,
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Organization-level recipients
// ---------------------------------------------------------------------------------------------------

const organizationColumns = {
  id: recipients.id,
  organizationId: recipients.organizationId,
  email: recipients.email,
  priorities: recipients.priorities,
  note: recipients.note,
  createdAt: recipients.createdAt,
};

function organizationRecipientWhere(viewer: Viewer, organizationId: string, id?: string) {
  const where = [
    eq(recipients.partnerId, viewer.partnerId),
    eq(recipients.scope, "organization"),
    eq(recipients.organizationId, organizationId),
  ];
  if (id) where.push(eq(recipients.id, id));
  return and(...where);
}

/** The organization's additional recipients, in the order they were added. Any role within scope. */
export async function listOrganizationRecipients(viewer: Viewer, organizationId: string): Promise<OrganizationRecipient[]> {
  await loadOrganization(db, viewer, organizationId);
  const [rows, globals] = await Promise.all([
    db
      .select(organizationColumns)
      .from(recipients)
      .where(organizationRecipientWhere(viewer, organizationId))
      .orderBy(asc(recipients.createdAt), asc(recipients.id)),
    db
      .select({ email: recipients.email })
      .from(recipients)
      .where(and(eq(recipients.partnerId, viewer.partnerId), eq(recipients.scope, "global"))),
  ]);
  const globalSet = new Set(globals.map((g) => normalizeEmailAddress(g.email)));
  return rows.map((r) => ({
    ...r,
    organizationId,
    alsoGlobal: globalSet.has(normalizeEmailAddress(r.email)),
  }));
}

function organizationLabel(email: string, organizationName: string) {
  return `${email} (${organizationName})`;
}

export async function addOrganizationRecipient(
  viewer: Viewer,
  input: AddOrganizationRecipientInput,
): Promise<{ id: string; email: string; priorities: Priority[] }> {
  assertCanChangeOrganizationDelivery(viewer);
  const { organizationId, email, priorities, note } = parseInput(addOrganizationRecipientSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const org = await loadOrganization(tx, viewer, organizationId);
      const [{ n }] = await tx.select({ n: count() }).from(recipients).where(organizationRecipientWhere(viewer, org.id));
      if (n >= MAX_ORGANIZATION_RECIPIENTS) {
        throw new ValidationError(`This organization already has ${MAX_ORGANIZATION_RECIPIENTS} recipients; use a distribution list.`);
      }
      const [row] = await tx
        .insert(recipients)
        .values({ partnerId: viewer.partnerId, scope: "organization", organizationId: org.id, email, priorities, note: note ?? null })
        .returning({ id: recipients.id, email: recipients.email, priorities: recipients.priorities });
      await writeAudit(tx, actorOf(viewer), {
        action: "recipient.added",
        entityType: "recipient",
        entityId: row.id,
        entityLabel: organizationLabel(row.email, org.name),
        changes: diffChanges(null, {
          email: row.email,
          organization: org.name,
          priorities: formatPriorityList(row.priorities),
          note: note ?? null,
        }),
        note,
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, "recipients_org_uq")) {
      throw new ConflictError(`${email} is already a recipient for this organization.`, "email");
    }
    throw err;
  }
}

/** Changes a recipient's priority scope and its "why this recipient" note. */
export async function updateOrganizationRecipient(viewer: Viewer, input: UpdateOrganizationRecipientInput): Promise<void> {
  assertCanChangeOrganizationDelivery(viewer);
  const { organizationId, id, priorities, note } = parseInput(updateOrganizationRecipientSchema, input);
  await db.transaction(async (tx) => {
    const org = await loadOrganization(tx, viewer, organizationId);
    const [before] = await tx
      .select(organizationColumns)
      .from(recipients)
      .where(organizationRecipientWhere(viewer, org.id, id))
      .limit(1)
      .for("update");
    if (!before) throw new NotFoundError("Recipient");
    const changes = diffChanges(
      { priorities: formatPriorityList(before.priorities), note: before.note },
      { priorities: formatPriorityList(priorities), note: note ?? null },
    );
    if (Object.keys(changes).length === 0) return;
    await tx
      .update(recipients)
      .set({ priorities, note: note ?? null })
      .where(organizationRecipientWhere(viewer, org.id, id));
    await writeAudit(tx, actorOf(viewer), {
      action: "recipient.updated",
      entityType: "recipient",
      entityId: id,
      entityLabel: organizationLabel(before.email, org.name),
      changes,
      note,
    });
  });
}

export async function removeOrganizationRecipient(
  viewer: Viewer,
  input: { organizationId: string; id: string; note?: string },
): Promise<void> {
  assertCanChangeOrganizationDelivery(viewer);
  const { organizationId, id, note } = parseInput(removeOrganizationRecipientSchema, input);
  await db.transaction(async (tx) => {
    const org = await loadOrganization(tx, viewer, organizationId);
    const [row] = await tx
      .delete(recipients)
      .where(organizationRecipientWhere(viewer, org.id, id))
      .returning(organizationColumns);
    if (!row) throw new NotFoundError("Recipient");
    await writeAudit(tx, actorOf(viewer), {
      action: "recipient.removed",
      entityType: "recipient",
      entityId: row.id,
      entityLabel: organizationLabel(row.email, org.name),
      changes: diffChanges(
        { email: row.email, organization: org.name, priorities: formatPriorityList(row.priorities), note: row.note },
        null,
      ),
      note,
    });
  });
}
