/**
 * The partner's email settings (Settings > PSA & Email > Email settings): the two independent subject
 * formats (R-DEL-6) and the Respond / IOC Event Detail toggles (R-DEL-7). A partner without a row gets
 * the defaults, so delivery works before anyone opens the page; the first save creates the row.
 */
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { emailSettings } from "@/db/schema";
import { diffChanges, writeAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import type { Viewer } from "@/lib/auth/viewer";
import {
  DEFAULT_GLOBAL_SUBJECT_FORMAT,
  DEFAULT_ORGANIZATION_SUBJECT_FORMAT,
} from "@/lib/delivery/render/subject";
import type { EmailSettingsSnapshot } from "@/lib/delivery/types";
import { emailSettingsSchema, type EmailSettingsInput } from "@/lib/validations/delivery-settings";
import { parseInput } from "./input";
import { assertCanChangeGlobalEmailSettings, assertCanReadGlobalEmailSettings } from "./access";

/** What a partner gets before saving anything: the documented subject defaults, both details on. */
export const EMAIL_SETTINGS_DEFAULTS: Readonly<EmailSettingsSnapshot> = {
  globalSubjectFormat: DEFAULT_GLOBAL_SUBJECT_FORMAT,
  organizationSubjectFormat: DEFAULT_ORGANIZATION_SUBJECT_FORMAT,
  respondEventDetail: true,
  iocEventDetail: true,
};

export type EmailSettings = EmailSettingsSnapshot & {
  /** True while the partner has never saved (the values are EMAIL_SETTINGS_DEFAULTS). */
  isDefault: boolean;
  updatedAt: Date | null;
};

function pick(s: EmailSettingsSnapshot): EmailSettingsSnapshot {
  return {
    globalSubjectFormat: s.globalSubjectFormat,
    organizationSubjectFormat: s.organizationSubjectFormat,
    respondEventDetail: s.respondEventDetail,
    iocEventDetail: s.iocEventDetail,
  };
}

export async function getEmailSettings(viewer: Viewer): Promise<EmailSettings> {
  assertCanReadGlobalEmailSettings(viewer);
  const [row] = await db.select().from(emailSettings).where(eq(emailSettings.partnerId, viewer.partnerId)).limit(1);
  if (!row) return { ...EMAIL_SETTINGS_DEFAULTS, isDefault: true, updatedAt: null };
  return { ...pick(row), isDefault: false, updatedAt: row.updatedAt };
}

/**
 * Saves both subject formats and both toggles (admins only). The input is validated here as well as
 * in the form and the action, so an invalid format can never be stored. Writes one audit entry with a
 * field-by-field diff and the "why" note; saving unchanged values changes nothing and logs nothing.
 */
export async function updateEmailSettings(
  viewer: Viewer,
  input: EmailSettingsInput,
): Promise<{ changed: boolean; settings: EmailSettings }> {
  assertCanChangeGlobalEmailSettings(viewer);
  const { note, ...values } = parseInput(emailSettingsSchema, input);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(emailSettings)
      .where(eq(emailSettings.partnerId, viewer.partnerId))
      .limit(1)
      .for("update");
    const before = current ? pick(current) : { ...EMAIL_SETTINGS_DEFAULTS };
    const changes = diffChanges(before, values);
    if (Object.keys(changes).length === 0) {
      return { changed: false, settings: { ...before, isDefault: !current, updatedAt: current?.updatedAt ?? null } };
    }
    const now = new Date();
    const [row] = await tx
      .insert(emailSettings)
      .values({ partnerId: viewer.partnerId, ...values, updatedAt: now })
      .onConflictDoUpdate({ target: emailSettings.partnerId, set: { ...values, updatedAt: now } })
      .returning();
    await writeAudit(tx, actorOf(viewer), {
      action: "email_settings.updated",
      entityType: "email_settings",
      entityId: viewer.partnerId,
      entityLabel: "Email settings",
      changes,
      note,
    });
    return { changed: true, settings: { ...pick(row), isDefault: false, updatedAt: row.updatedAt } };
  });
}
