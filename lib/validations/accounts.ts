import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { emailSchema, hasNoControlCharacters, nameSchema, passwordSchema, uuidSchema, whyNoteSchema } from "./common";

/** A person's display name (optional): single line, no control characters. */
const personNameSchema = z
  .string()
  .trim()
  .max(120, "Keep the name under 120 characters.")
  .refine((v) => hasNoControlCharacters(v) && !/[\r\n\t]/.test(v), "The name cannot contain control characters.")
  .optional()
  .default("");

/** A login's id as Switchboard and better-auth generate them (UUIDs, or letters, digits, - and _). */
const userIdSchema = z
  .string({ message: "Choose a user." })
  .min(1, "Choose a user.")
  .max(100, "Invalid user id.")
  .regex(/^[A-Za-z0-9_-]+$/, "Invalid user id.");

export const setupSchema = z.object({
  partnerName: nameSchema("your company name"),
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
});
export type SetupInput = z.input<typeof setupSchema>;

export const createUserSchema = z
  .object({
    email: emailSchema,
    name: personNameSchema,
    password: passwordSchema,
    role: z.enum(ROLES, { message: "Choose a role." }),
    organizationIds: z.array(uuidSchema).max(10_000).default([]),
    note: whyNoteSchema,
  })
  .refine((v) => v.role !== "technician" || v.organizationIds.length > 0, {
    path: ["organizationIds"],
    message: "Give a technician at least one organization.",
  });
export type CreateUserInput = z.input<typeof createUserSchema>;

export const updateUserAccessSchema = z
  .object({
    userId: userIdSchema,
    role: z.enum(ROLES, { message: "Choose a role." }),
    organizationIds: z.array(uuidSchema).max(10_000).default([]),
    note: whyNoteSchema,
  })
  .refine((v) => v.role !== "technician" || v.organizationIds.length > 0, {
    path: ["organizationIds"],
    message: "Give a technician at least one organization.",
  });

export const removeUserSchema = z.object({ userId: userIdSchema, note: whyNoteSchema });

export const createApiKeySchema = z.object({ name: nameSchema("a name", 80), note: whyNoteSchema });
export const revokeApiKeySchema = z.object({ id: uuidSchema, note: whyNoteSchema });

/** Account > Change password: the current password, and a new one typed twice (better-auth checks the current). */
export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ message: "Enter your current password." }).min(1, "Enter your current password.").max(256),
    newPassword: passwordSchema,
    confirmPassword: z.string({ message: "Type the new password again." }).min(1, "Type the new password again."),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords differ." })
  .refine((v) => v.newPassword !== v.currentPassword, { path: ["newPassword"], message: "Choose a password different from the current one." });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;
