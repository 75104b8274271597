import { z } from "zod";
import { hasNoControlCharacters, nameSchema, uuidSchema, whyNoteSchema } from "./common";

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
