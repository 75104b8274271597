import { z } from "zod";
import { findUnstorableText, hasNoControlCharacters, nameSchema, UNSTORABLE_TEXT_MESSAGE, uuidSchema, whyNoteSchema } from "./common";

export const organizationSchema = z.object({
  name: nameSchema("a name"),
  notes: z
    .string()
    .trim()
    .max(2000, "Keep notes under 2,000 characters.")
    .refine(hasNoControlCharacters, "Notes cannot contain control characters.")
    .optional()
    .default(""),
  externalRef: z
    .string()
    .trim()
    .max(100, "Keep the reference under 100 characters.")
    .regex(/^[A-Za-z0-9._:\-]*$/, "Use letters, digits, dot, dash, colon or underscore.")
    .optional()
    .default(""),
  note: whyNoteSchema,
});
export type OrganizationInput = z.input<typeof organizationSchema>;

export const updateOrganizationSchema = organizationSchema.extend({ id: uuidSchema });
export const deleteOrganizationSchema = z.object({ id: uuidSchema, note: whyNoteSchema });

/** How many matches the organization picker shows; a partner's full list can run to thousands. */
export const ORGANIZATION_OPTIONS_LIMIT = 20;

/** The organization picker's search (GET /api/organizations/options?q=): a name fragment, possibly empty. */
export const organizationOptionsQuerySchema = z.object({
  q: z
    .string()
    .max(100, "Search with at most 100 characters.")
    .refine(hasNoControlCharacters, "The search cannot contain control characters.")
    .refine((s) => findUnstorableText(s) === null, UNSTORABLE_TEXT_MESSAGE)
    .optional()
    .default(""),
});
