/**
 * Zod schemas for delivery settings (seed 000): Settings > PSA & Email (email part) and the
 * organization Settings tab. Shared by the forms (zodResolver), the server actions (validated again)
 * and the email-preview route, so a value the form accepts is a value the server accepts.
 */
import { z } from "zod";
import { isDeliverableEmailAddress } from "@/lib/delivery/recipients";
import { validateSubjectFormat } from "@/lib/delivery/render/subject";
import { PRIORITIES, prioritySchema, type Priority } from "@/lib/delivery/types";
import { emailSchema, hasNoControlCharacters, uuidSchema, whyNoteSchema } from "./common";

/** New organization-level recipients receive Medium, High and Critical alerts (SPEC vocabulary, R-DEL-5). */
export const DEFAULT_ORGANIZATION_RECIPIENT_PRIORITIES: readonly Priority[] = ["medium", "high", "critical"];

/**
 * A subject format: a strict Liquid template over the fixed token set (R-DEL-6). Rejected at save time
 * with the engine's message naming the unknown token, tag, filter or syntax problem.
 */
export const subjectFormatSchema = z
  .string({ message: "Enter a subject format." })
  .trim()
  .superRefine((value, ctx) => {
    const result = validateSubjectFormat(value);
    if (!result.ok) ctx.addIssue({ code: "custom", message: result.message });
  });

export const emailSettingsSchema = z.object({
  globalSubjectFormat: subjectFormatSchema,
  organizationSubjectFormat: subjectFormatSchema,
  respondEventDetail: z.boolean({ message: "Choose whether Respond events are included." }),
  iocEventDetail: z.boolean({ message: "Choose whether IOC matches are included." }),
  note: whyNoteSchema,
});
export type EmailSettingsInput = z.input<typeof emailSettingsSchema>;
export type EmailSettingsValues = z.output<typeof emailSettingsSchema>;

/** A recipient address: a valid email that the delivery planner will also accept (R-SEC-5). */
export const recipientEmailSchema = emailSchema.refine(isDeliverableEmailAddress, {
  message: "Enter a single email address, like soc@example.com.",
});

/** "Why this recipient": stored with the recipient and written to the audit log (seed 000 governance). */
export const recipientNoteSchema = z
  .string()
  .trim()
  .max(500, "Keep the note under 500 characters.")
  .refine(hasNoControlCharacters, "The note cannot contain control characters.")
  .optional()
  .transform((v) => (v ? v : undefined));

/** A priority scope: at least one priority, returned de-duplicated in Low → Critical order. */
export const priorityScopeSchema = z
  .array(prioritySchema, { message: "Choose at least one priority." })
  .min(1, "Choose at least one priority.")
  .transform((list) => PRIORITIES.filter((p) => list.includes(p)));

export const addGlobalRecipientSchema = z.object({
  email: recipientEmailSchema,
  note: recipientNoteSchema,
});
export type AddGlobalRecipientInput = z.input<typeof addGlobalRecipientSchema>;

export const removeGlobalRecipientSchema = z.object({ id: uuidSchema, note: whyNoteSchema });

export const addOrganizationRecipientSchema = z.object({
  organizationId: uuidSchema,
  email: recipientEmailSchema,
  priorities: priorityScopeSchema,
  note: recipientNoteSchema,
});
export type AddOrganizationRecipientInput = z.input<typeof addOrganizationRecipientSchema>;

export const updateOrganizationRecipientSchema = z.object({
  organizationId: uuidSchema,
  id: uuidSchema,
  priorities: priorityScopeSchema,
  note: recipientNoteSchema,
});
export type UpdateOrganizationRecipientInput = z.input<typeof updateOrganizationRecipientSchema>;

export const removeOrganizationRecipientSchema = z.object({
  organizationId: uuidSchema,
  id: uuidSchema,
  note: whyNoteSchema,
});

export const setOrganizationDeliverySchema = z.object({
  organizationId: uuidSchema,
  enabled: z.boolean({ message: "Choose on or off." }),
  note: whyNoteSchema,
});

/** The settings a preview is rendered with (the form's current values, saved or not). */
export const emailPreviewSchema = emailSettingsSchema.omit({ note: true });

/**
 * Query of the email preview route: the formats and toggles as currently typed (unsaved values are
 * previewed too). Flags arrive as "1"/"0" in the URL.
 */
export const emailPreviewQuerySchema = z.object({
  globalSubjectFormat: subjectFormatSchema,
  organizationSubjectFormat: subjectFormatSchema,
  respondEventDetail: z.stringbool({ message: "respondEventDetail must be 1 or 0." }),
  iocEventDetail: z.stringbool({ message: "iocEventDetail must be 1 or 0." }),
});
